import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, float_matrix, int_matrix, py_rng

FUNCTION = "seidel_2d"
GROUP = "polybench"
STEPS = 10
# n x n grid, 10 sweeps (sequential dependencies). O(n^2 * steps)
SIZES = {"small": 16, "medium": 170, "large": 750}


def make_inputs(size, seed):
    r = py_rng(seed)
    return (float_matrix(r, size, size, 0.0, 100.0), STEPS)


def _ref(grid, steps):
    # same sweep order, on a numpy array with the 3x3 window summed by slicing
    g = np.asarray(grid, float).copy()
    n, m = g.shape
    for _ in range(steps):
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                g[i, j] = g[i - 1:i + 2, j - 1:j + 2].sum() / 9.0
    return g


def oracle(candidate, original):
    r = py_rng(1130)
    nan_case = float_matrix(r, 6, 6)
    nan_case[4][1] = float("nan")
    cases = [
        ("random 8x8", make_inputs(8, 1131)),
        ("random 5x11, 3 steps", (float_matrix(r, 5, 11), 3)),
        ("3x3", (float_matrix(r, 3, 3), 2)),
        ("2x5 (no interior)", (float_matrix(r, 2, 5), 3)),
        ("zero steps", (float_matrix(r, 4, 4), 0)),
        ("NaN", (nan_case, 2)),
        ("ints (boundary stays int)", (int_matrix(r, 5, 5), 2)),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 2, 6):
        label, args = cases[k]
        o = expect_ok(outs[k], label)
        # summation order of the 9 terms differs from the original: loose tolerance
        assert_close_ref(o.args[0], _ref(*args), f"seidel_2d {label}")

import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, float_matrix, int_matrix, py_rng

FUNCTION = "jacobi_2d"
GROUP = "polybench"
STEPS = 10
# n x n grid, 10 sweeps. O(n^2 * steps)
SIZES = {"small": 22, "medium": 210, "large": 950}


def make_inputs(size, seed):
    r = py_rng(seed)
    return (float_matrix(r, size, size, 0.0, 100.0), STEPS)


def _ref(grid, steps):
    g = np.asarray(grid, float).copy()
    for _ in range(steps):
        g[1:-1, 1:-1] = 0.2 * (g[1:-1, 1:-1] + g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1]
                               + g[2:, 1:-1])
    return g


def oracle(candidate, original):
    r = py_rng(1120)
    nan_case = float_matrix(r, 6, 6)
    nan_case[2][3] = float("nan")
    cases = [
        ("random 8x8", make_inputs(8, 1121)),
        ("random 5x13, 4 steps", (float_matrix(r, 5, 13), 4)),
        ("3x3", (float_matrix(r, 3, 3), 2)),
        ("2x2 (no interior)", (float_matrix(r, 2, 2), 3)),
        ("1x4", (float_matrix(r, 1, 4), 3)),
        ("zero steps", (float_matrix(r, 4, 4), 0)),
        ("NaN", (nan_case, 2)),
        ("ints (boundary stays int)", (int_matrix(r, 5, 5), 2)),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 2, 7):
        label, args = cases[k]
        o = expect_ok(outs[k], label)
        assert_close_ref(o.args[0], _ref(*args), f"jacobi_2d {label}")

import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, py_rng

FUNCTION = "heat_3d"
GROUP = "polybench"
STEPS = 5
# n x n x n grid, 5 steps. O(n^3 * steps)
SIZES = {"small": 8, "medium": 33, "large": 90}


def _grid(r, nx, ny, nz, lo=0.0, hi=100.0):
    return [[[r.uniform(lo, hi) for _ in range(nz)] for _ in range(ny)] for _ in range(nx)]


def make_inputs(size, seed):
    r = py_rng(seed)
    return (_grid(r, size, size, size), STEPS)


def _ref(grid, steps):
    a = np.asarray(grid, float).copy()
    for _ in range(steps):
        c = a[1:-1, 1:-1, 1:-1]
        b = a.copy()
        b[1:-1, 1:-1, 1:-1] = (0.125 * (a[2:, 1:-1, 1:-1] - 2.0 * c + a[:-2, 1:-1, 1:-1])
                               + 0.125 * (a[1:-1, 2:, 1:-1] - 2.0 * c + a[1:-1, :-2, 1:-1])
                               + 0.125 * (a[1:-1, 1:-1, 2:] - 2.0 * c + a[1:-1, 1:-1, :-2])
                               + c)
        a = b
    return a


def oracle(candidate, original):
    r = py_rng(1140)
    nan_case = _grid(r, 5, 5, 5)
    nan_case[2][2][2] = float("nan")
    ints = [[[r.randint(0, 9) for _ in range(4)] for _ in range(4)] for _ in range(4)]
    cases = [
        ("random 6^3", make_inputs(6, 1141)),
        ("random 4x7x5, 3 steps", (_grid(r, 4, 7, 5), 3)),
        ("3x3x3, 1 step", (_grid(r, 3, 3, 3), 1)),
        ("2x2x2 (no interior)", (_grid(r, 2, 2, 2), 2)),
        ("zero steps", (_grid(r, 4, 4, 4), 0)),
        ("NaN", (nan_case, 2)),
        ("ints", (ints, 2)),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 2, 6):
        label, args = cases[k]
        o = expect_ok(outs[k], label)
        assert_close_ref(o.result, _ref(*args), f"heat_3d {label}")

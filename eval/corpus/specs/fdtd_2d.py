import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, float_list, float_matrix, py_rng

FUNCTION = "fdtd_2d"
GROUP = "polybench"
TMAX = 10
# nx = n, ny = 1.2 n, 10 time steps. O(n^2 * tmax)
SIZES = {"small": 11, "medium": 140, "large": 640}


def make_inputs(size, seed):
    r = py_rng(seed)
    nx = size
    ny = size + size // 5
    return (float_matrix(r, nx, ny), float_matrix(r, nx, ny), float_matrix(r, nx, ny),
            float_list(r, TMAX, 0.0, 1.0))


def _ref(ex, ey, hz, source):
    ex = np.asarray(ex, float).copy()
    ey = np.asarray(ey, float).copy()
    hz = np.asarray(hz, float).copy()
    for s in source:
        ey[0, :] = s
        ey[1:, :] = ey[1:, :] - 0.5 * (hz[1:, :] - hz[:-1, :])
        ex[:, 1:] = ex[:, 1:] - 0.5 * (hz[:, 1:] - hz[:, :-1])
        hz[:-1, :-1] = hz[:-1, :-1] - 0.7 * (ex[:-1, 1:] - ex[:-1, :-1] + ey[1:, :-1] - ey[:-1, :-1])
    return ex, ey, hz


def oracle(candidate, original):
    r = py_rng(1150)

    def fields(nx, ny):
        return [float_matrix(r, nx, ny) for _ in range(3)]

    nan_case = fields(4, 4)
    nan_case[2][1][1] = float("nan")
    cases = [
        ("random 6x7", make_inputs(6, 1151)),
        ("random 9x4, 3 steps", (*fields(9, 4), [0.5, -0.5, 1.0])),
        ("1x1", (*fields(1, 1), [1.0, 2.0])),
        ("1x5", (*fields(1, 5), [1.0])),
        ("no steps", (*fields(3, 3), [])),
        ("NaN in hz", (*nan_case, [1.0, 0.0])),
        ("int source", (*fields(4, 5), [1, 0, 2])),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 2):
        label, args = cases[k]
        o = expect_ok(outs[k], label)
        ex, ey, hz = _ref(*args)
        assert_close_ref(o.args[0], ex, f"fdtd_2d ex {label}")
        assert_close_ref(o.args[1], ey, f"fdtd_2d ey {label}")
        assert_close_ref(o.args[2], hz, f"fdtd_2d hz {label}")

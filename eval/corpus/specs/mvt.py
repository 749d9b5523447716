import numpy as np

from _common import (assert_close_ref, compare_all, expect_ok, float_list, float_matrix,
                     int_list, int_matrix, py_rng)

FUNCTION = "mvt"
GROUP = "polybench"
# O(n^2)
SIZES = {"small": 57, "medium": 630, "large": 2800}


def make_inputs(size, seed):
    r = py_rng(seed)
    n = size
    return (float_matrix(r, n, n), float_list(r, n), float_list(r, n), float_list(r, n),
            float_list(r, n))


def oracle(candidate, original):
    r = py_rng(1050)
    nan_case = make_inputs(5, 1051)
    nan_case[0][4][4] = float("nan")
    cases = [
        ("random n=8", make_inputs(8, 1052)),
        ("random n=25", make_inputs(25, 1053)),
        ("n=1", ([[2.0]], [1.0], [0.0], [3.0], [-1.0])),
        ("NaN on the diagonal", nan_case),
        ("ints", (int_matrix(r, 4, 4), *[int_list(r, 4, -9, 9) for _ in range(4)])),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 4):
        label, (A, x1, x2, y1, y2) = cases[k]
        o = expect_ok(outs[k], label)
        A = np.asarray(A, float)
        assert_close_ref(o.args[1], np.asarray(x1, float) + A @ np.asarray(y1, float), f"mvt x1 {label}")
        assert_close_ref(o.args[2], np.asarray(x2, float) + A.T @ np.asarray(y2, float), f"mvt x2 {label}")

import numpy as np

from _common import (assert_close_ref, compare_all, expect_ok, float_list, float_matrix,
                     int_list, int_matrix, py_rng)

FUNCTION = "atax"
GROUP = "polybench"
# A is m x n with m = n - n/10. O(n^2)
SIZES = {"small": 64, "medium": 760, "large": 3400}


def make_inputs(size, seed):
    r = py_rng(seed)
    n = size
    m = n - n // 10
    return (float_matrix(r, m, n), float_list(r, n))


def oracle(candidate, original):
    r = py_rng(1030)
    nan_case = make_inputs(6, 1031)
    nan_case[0][3][2] = float("nan")
    cases = [
        ("random n=9", make_inputs(9, 1032)),
        ("random n=30", make_inputs(30, 1033)),
        ("1x1", ([[2.0]], [3.0])),
        ("wide 2x6", (float_matrix(r, 2, 6), float_list(r, 6))),
        ("tall 7x2", (float_matrix(r, 7, 2), float_list(r, 2))),
        ("no rows", ([], [1.0, 2.0])),
        ("NaN in A", nan_case),
        ("ints", (int_matrix(r, 3, 4), int_list(r, 4, -9, 9))),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 3, 4, 7):
        label, (A, x) = cases[k]
        o = expect_ok(outs[k], label)
        A = np.asarray(A, float)
        assert_close_ref(o.result, A.T @ (A @ np.asarray(x, float)), f"atax {label}")

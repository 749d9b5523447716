import numpy as np

from _common import (assert_close_ref, compare_all, expect_ok, float_list, float_matrix,
                     int_list, int_matrix, py_rng)

FUNCTION = "bicg"
GROUP = "polybench"
# A is n x m with m = n - n/10. O(n^2)
SIZES = {"small": 58, "medium": 780, "large": 3500}


def make_inputs(size, seed):
    r = py_rng(seed)
    n = size
    m = n - n // 10
    return (float_matrix(r, n, m), float_list(r, m), float_list(r, n))


def oracle(candidate, original):
    r = py_rng(1040)
    nan_case = make_inputs(6, 1041)
    nan_case[2][1] = float("nan")
    cases = [
        ("random n=10", make_inputs(10, 1042)),
        ("random n=27", make_inputs(27, 1043)),
        ("1x1", ([[2.0]], [3.0], [-1.0])),
        ("wide 2x5", (float_matrix(r, 2, 5), float_list(r, 5), float_list(r, 2))),
        ("NaN in r", nan_case),
        ("ints", (int_matrix(r, 4, 3), int_list(r, 3, -9, 9), int_list(r, 4, -9, 9))),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 3, 5):
        label, (A, p, rr) = cases[k]
        o = expect_ok(outs[k], label)
        A = np.asarray(A, float)
        assert_close_ref(o.result[0], A.T @ np.asarray(rr, float), f"bicg s {label}")
        assert_close_ref(o.result[1], A @ np.asarray(p, float), f"bicg q {label}")

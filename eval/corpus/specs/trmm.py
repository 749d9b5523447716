import numpy as np

from _common import (assert_close_ref, compare_all, expect_ok, float_matrix, int_matrix,
                     py_rng)

FUNCTION = "trmm"
GROUP = "polybench"
# A is m x m, B is m x n with n = 1.2 m. O(m^2 n)
SIZES = {"small": 21, "medium": 120, "large": 320}


def make_inputs(size, seed):
    r = py_rng(seed)
    m = size
    n = m + m // 5
    alpha = round(r.uniform(0.5, 2.0), 3)
    return (alpha, float_matrix(r, m, m), float_matrix(r, m, n))


def _ref(alpha, A, B):
    A = np.asarray(A, float)
    low = np.tril(np.nan_to_num(A), -1) + np.eye(len(A))
    return alpha * low.T @ np.asarray(B, float)


def oracle(candidate, original):
    r = py_rng(1080)
    upper_nan = make_inputs(5, 1081)
    for i in range(5):
        upper_nan[1][i][i] = float("nan")  # the diagonal and upper part of A are never read
    upper_nan[1][0][4] = float("nan")
    cases = [
        ("random m=6", make_inputs(6, 1082)),
        ("random m=15", make_inputs(15, 1083)),
        ("1x1", (2.0, [[5.0]], [[3.0]])),
        ("single column", (0.5, float_matrix(r, 4, 4), float_matrix(r, 4, 1))),
        ("NaN in the unread part of A", upper_nan),
        ("ints", (2, int_matrix(r, 3, 3), int_matrix(r, 3, 4))),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 3, 4, 5):
        label, args = cases[k]
        o = expect_ok(outs[k], label)
        assert_close_ref(o.args[2], _ref(*args), f"trmm {label}")

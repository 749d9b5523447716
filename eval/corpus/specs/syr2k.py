import numpy as np

from _common import (assert_close_ref, compare_all, expect_ok, float_matrix, int_matrix,
                     py_rng)

FUNCTION = "syr2k"
GROUP = "polybench"
# C is n x n, A and B are n x m with m = 0.8 n. O(n^3)
SIZES = {"small": 18, "medium": 97, "large": 260}


def make_inputs(size, seed):
    r = py_rng(seed)
    n = size
    m = max(1, n * 4 // 5)
    alpha = round(r.uniform(0.5, 2.0), 3)
    beta = round(r.uniform(0.5, 2.0), 3)
    return (alpha, beta, float_matrix(r, n, n), float_matrix(r, n, m), float_matrix(r, n, m))


def _ref(alpha, beta, C, A, B):
    C = np.asarray(C, float)
    A = np.asarray(A, float)
    B = np.asarray(B, float)
    full = alpha * (A @ B.T + B @ A.T) + beta * C
    return np.where(np.tril(np.ones_like(C)) > 0, full, C)


def oracle(candidate, original):
    r = py_rng(1070)
    upper_nan = make_inputs(5, 1071)
    upper_nan[2][1][4] = float("nan")
    cases = [
        ("random n=6", make_inputs(6, 1072)),
        ("random n=14", make_inputs(14, 1073)),
        ("1x1", (2.0, 3.0, [[1.0]], [[2.0]], [[-0.5]])),
        ("NaN above the diagonal", upper_nan),
        ("ints", (2, 1, int_matrix(r, 3, 3), int_matrix(r, 3, 2), int_matrix(r, 3, 2))),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 3, 4):
        label, args = cases[k]
        o = expect_ok(outs[k], label)
        assert_close_ref(o.args[2], _ref(*args), f"syr2k {label}")

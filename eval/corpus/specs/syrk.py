import numpy as np

from _common import (assert_close_ref, compare_all, expect_ok, float_matrix, int_matrix,
                     py_rng)

FUNCTION = "syrk"
GROUP = "polybench"
# C is n x n, A is n x m with m = 0.8 n. O(n^3)
SIZES = {"small": 22, "medium": 120, "large": 320}


def make_inputs(size, seed):
    r = py_rng(seed)
    n = size
    m = max(1, n * 4 // 5)
    alpha = round(r.uniform(0.5, 2.0), 3)
    beta = round(r.uniform(0.5, 2.0), 3)
    return (alpha, beta, float_matrix(r, n, n), float_matrix(r, n, m))


def _ref(alpha, beta, C, A):
    C = np.asarray(C, float)
    A = np.asarray(A, float)
    full = alpha * A @ A.T + beta * C
    return np.where(np.tril(np.ones_like(C)) > 0, full, C)


def oracle(candidate, original):
    r = py_rng(1060)
    upper_nan = make_inputs(5, 1061)
    upper_nan[2][0][3] = float("nan")  # above the diagonal: must stay untouched
    cases = [
        ("random n=7", make_inputs(7, 1062)),
        ("random n=15", make_inputs(15, 1063)),
        ("1x1", (2.0, 3.0, [[1.0]], [[2.0]])),
        ("NaN above the diagonal", upper_nan),
        ("ints", (2, 1, int_matrix(r, 3, 3), int_matrix(r, 3, 2))),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 3, 4):
        label, args = cases[k]
        o = expect_ok(outs[k], label)
        assert_close_ref(o.args[2], _ref(*args), f"syrk {label}")

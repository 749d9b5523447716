import numpy as np

from _common import compare_all, float_matrix, int_matrix, py_rng, assert_close_ref, expect_ok

FUNCTION = "gemm"
GROUP = "polybench"
# n = ni; nj = 1.1 n, nk = 1.2 n. O(n^3).
SIZES = {"small": 18, "medium": 98, "large": 270}


def _dims(n):
    return n, n + n // 10, n + n // 5


def make_inputs(size, seed):
    r = py_rng(seed)
    ni, nj, nk = _dims(size)
    alpha = round(r.uniform(0.5, 2.0), 3)
    beta = round(r.uniform(0.5, 2.0), 3)
    C = float_matrix(r, ni, nj)
    A = float_matrix(r, ni, nk)
    B = float_matrix(r, nk, nj)
    return (alpha, beta, C, A, B)


def _ref(alpha, beta, C, A, B):
    return alpha * (np.asarray(A, float) @ np.asarray(B, float)) + beta * np.asarray(C, float)


def oracle(candidate, original):
    r = py_rng(1003)
    nan_case = make_inputs(5, 1004)
    nan_case[3][2][1] = float("nan")
    cases = [
        ("random n=7", make_inputs(7, 1000)),
        ("random n=13", make_inputs(13, 1001)),
        ("1x1", (2.0, 0.5, [[3.0]], [[-1.0]], [[4.0]])),
        ("beta=0, negative alpha", (-1.0, 0.0, float_matrix(r, 4, 3), float_matrix(r, 4, 2),
                                    float_matrix(r, 2, 3))),
        ("NaN in A", nan_case),
        ("int matrices, int scalars", (2, 3, int_matrix(r, 3, 4), int_matrix(r, 3, 5),
                                       int_matrix(r, 5, 4))),
        ("zeros", (1.0, 1.0, [[0.0] * 3 for _ in range(3)], [[0.0] * 3 for _ in range(3)],
                   [[0.0] * 3 for _ in range(3)])),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 3, 5):
        label, args = cases[k]
        o = expect_ok(outs[k], label)
        assert_close_ref(o.args[2], _ref(*args), f"gemm {label}")

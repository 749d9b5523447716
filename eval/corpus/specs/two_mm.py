import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, float_matrix, int_matrix, py_rng

FUNCTION = "two_mm"
GROUP = "polybench"
# ni = n, nk = 1.1 n, nj = 0.9 n, nl = 1.2 n. O(n^3)
SIZES = {"small": 14, "medium": 78, "large": 210}


def make_inputs(size, seed):
    r = py_rng(seed)
    ni, nk, nj, nl = size, size + size // 10, max(1, size - size // 10), size + size // 5
    alpha = round(r.uniform(0.5, 2.0), 3)
    beta = round(r.uniform(0.5, 2.0), 3)
    return (alpha, beta, float_matrix(r, ni, nk), float_matrix(r, nk, nj), float_matrix(r, nj, nl),
            float_matrix(r, ni, nl))


def _ref(alpha, beta, A, B, C, D):
    A, B, C, D = (np.asarray(X, float) for X in (A, B, C, D))
    return alpha * A @ B @ C + beta * D


def oracle(candidate, original):
    r = py_rng(1230)
    nan_case = make_inputs(4, 1231)
    nan_case[5][0][0] = float("nan")
    cases = [
        ("random 6", make_inputs(6, 1232)),
        ("random 13", make_inputs(13, 1233)),
        ("1x1", (2.0, 0.5, [[1.0]], [[2.0]], [[3.0]], [[4.0]])),
        ("beta 0", (1.5, 0.0, float_matrix(r, 2, 3), float_matrix(r, 3, 4), float_matrix(r, 4, 2),
                    float_matrix(r, 2, 2))),
        ("NaN in D", nan_case),
        ("ints", (2, 3, int_matrix(r, 2, 3), int_matrix(r, 3, 2), int_matrix(r, 2, 3),
                  int_matrix(r, 2, 3))),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 3, 5):
        label, args = cases[k]
        o = expect_ok(outs[k], label)
        assert_close_ref(o.args[5], _ref(*args), f"two_mm {label}")

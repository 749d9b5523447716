import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, float_matrix, int_matrix, py_rng

FUNCTION = "three_mm"
GROUP = "polybench"
# all dimensions around n. O(n^3)
SIZES = {"small": 10, "medium": 67, "large": 180}


def make_inputs(size, seed):
    r = py_rng(seed)
    ni, nj, nk, nl, nm = size, size + 1, size + 2, size + 3, size + 4
    return (float_matrix(r, ni, nk), float_matrix(r, nk, nj), float_matrix(r, nj, nm),
            float_matrix(r, nm, nl))


def oracle(candidate, original):
    r = py_rng(1240)
    nan_case = make_inputs(3, 1241)
    nan_case[2][1][1] = float("nan")
    cases = [
        ("random 5", make_inputs(5, 1242)),
        ("random 12", make_inputs(12, 1243)),
        ("1x1", ([[2.0]], [[3.0]], [[-1.0]], [[0.5]])),
        ("row times column", (float_matrix(r, 1, 3), float_matrix(r, 3, 1), float_matrix(r, 1, 4),
                              float_matrix(r, 4, 2))),
        ("NaN", nan_case),
        ("ints", (int_matrix(r, 2, 3), int_matrix(r, 3, 2), int_matrix(r, 2, 2), int_matrix(r, 2, 3))),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 3, 5):
        label, (A, B, C, D) = cases[k]
        o = expect_ok(outs[k], label)
        A, B, C, D = (np.asarray(X, float) for X in (A, B, C, D))
        assert_close_ref(o.result, (A @ B) @ (C @ D), f"three_mm {label}")

import numpy as np

from _common import (assert_close_ref, compare_all, expect_ok, float_list, float_matrix,
                     int_list, int_matrix, py_rng)

FUNCTION = "gesummv"
GROUP = "polybench"
# O(n^2), two n x n matrices
SIZES = {"small": 89, "medium": 960, "large": 2500}


def make_inputs(size, seed):
    r = py_rng(seed)
    n = size
    alpha = round(r.uniform(0.5, 2.0), 3)
    beta = round(r.uniform(0.5, 2.0), 3)
    return (alpha, beta, float_matrix(r, n, n), float_matrix(r, n, n), float_list(r, n))


def oracle(candidate, original):
    r = py_rng(1020)
    nan_case = make_inputs(5, 1021)
    nan_case[4][0] = float("nan")
    inf_case = make_inputs(5, 1022)
    inf_case[2][1][1] = float("inf")
    cases = [
        ("random n=8", make_inputs(8, 1023)),
        ("random n=21", make_inputs(21, 1024)),
        ("n=1", (1.5, -2.0, [[2.0]], [[3.0]], [0.5])),
        ("n=0", (1.5, 1.2, [], [], [])),
        ("NaN in x", nan_case),
        ("inf in A", inf_case),
        ("ints", (3, 2, int_matrix(r, 4, 4), int_matrix(r, 4, 4), int_list(r, 4, -9, 9))),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 6):
        label, (alpha, beta, A, B, x) = cases[k]
        o = expect_ok(outs[k], label)
        ref = alpha * np.asarray(A, float) @ np.asarray(x, float) \
            + beta * np.asarray(B, float) @ np.asarray(x, float)
        assert_close_ref(o.result, ref, f"gesummv {label}")

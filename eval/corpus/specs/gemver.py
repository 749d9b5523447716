import numpy as np

from _common import (assert_close_ref, compare_all, expect_ok, float_list, float_matrix,
                     int_list, int_matrix, py_rng)

FUNCTION = "gemver"
GROUP = "polybench"
# O(n^2), three passes over an n x n matrix
SIZES = {"small": 46, "medium": 450, "large": 2000}


def make_inputs(size, seed):
    r = py_rng(seed)
    n = size
    alpha = round(r.uniform(0.5, 2.0), 3)
    beta = round(r.uniform(0.5, 2.0), 3)
    A = float_matrix(r, n, n)
    vecs = [float_list(r, n) for _ in range(8)]
    return (alpha, beta, A, *vecs)


def _ref(alpha, beta, A, u1, v1, u2, v2, w, x, y, z):
    A = np.asarray(A, float) + np.outer(u1, v1) + np.outer(u2, v2)
    x = np.asarray(x, float) + beta * A.T @ np.asarray(y, float) + np.asarray(z, float)
    w = np.asarray(w, float) + alpha * A @ x
    return A, x, w


def oracle(candidate, original):
    r = py_rng(1010)
    nan_case = make_inputs(4, 1011)
    nan_case[9][2] = float("nan")  # y[2]
    cases = [
        ("random n=6", make_inputs(6, 1012)),
        ("random n=17", make_inputs(17, 1013)),
        ("n=1", (1.5, 1.2, [[2.0]], [1.0], [2.0], [0.5], [-1.0], [0.0], [0.0], [3.0], [1.0])),
        ("NaN in y", nan_case),
        ("ints", (2, 3, int_matrix(r, 3, 3), *[int_list(r, 3, -5, 5) for _ in range(8)])),
        ("n=0", (1.0, 1.0, [], [], [], [], [], [], [], [], [])),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 4):
        label, args = cases[k]
        o = expect_ok(outs[k], label)
        A, x, w = _ref(*args)
        assert_close_ref(o.args[2], A, f"gemver A {label}")
        assert_close_ref(o.args[8], x, f"gemver x {label}")
        assert_close_ref(o.args[7], w, f"gemver w {label}")

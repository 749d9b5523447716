import numpy as np

from _common import (assert_close_ref, compare_all, dominant_matrix, expect_ok, expect_raises,
                     py_rng)

FUNCTION = "lu"
GROUP = "polybench"
# n x n, diagonally dominant. O(n^3)
SIZES = {"small": 23, "medium": 130, "large": 350}


def make_inputs(size, seed):
    return (dominant_matrix(py_rng(seed), size),)


def _check_factors(packed, A, label):
    P = np.asarray(packed, float)
    L = np.tril(P, -1) + np.eye(len(P))
    U = np.triu(P)
    assert_close_ref(L @ U, np.asarray(A, float), f"lu L@U {label}")


def oracle(candidate, original):
    ints = [[4, 3, 1], [6, 3, 2], [2, 1, 5]]
    cases = [
        ("random n=8", make_inputs(8, 1181)),
        ("random n=20", make_inputs(20, 1182)),
        ("1x1", ([[3.0]],)),
        ("2x2", ([[4.0, 3.0], [6.0, 3.0]],)),
        ("ints", (ints,)),
        ("zero pivot (partial result then ZeroDivisionError)", ([[1.0, 2.0, 3.0], [2.0, 4.0, 1.0],
                                                                 [1.0, 1.0, 1.0]],)),
        ("zero first pivot, ints", ([[0, 1], [1, 0]],)),
        ("NaN", ([[2.0, float("nan")], [1.0, 3.0]],)),
        ("empty", ([],)),
    ]
    outs = compare_all(candidate, original, cases)
    expect_raises(outs[5], ZeroDivisionError, "zero pivot")
    expect_raises(outs[6], ZeroDivisionError, "zero first pivot")
    for k in (0, 1, 3, 4):
        label, (A,) = cases[k]
        o = expect_ok(outs[k], label)
        _check_factors(o.args[0], A, label)

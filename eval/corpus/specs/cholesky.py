import numpy as np

from _common import (assert_close_ref, compare_all, expect_ok, expect_raises, py_rng,
                     spd_matrix)

FUNCTION = "cholesky"
GROUP = "polybench"
# n x n symmetric positive definite. O(n^3 / 6)
SIZES = {"small": 31, "medium": 180, "large": 490}


def make_inputs(size, seed):
    return (spd_matrix(py_rng(seed), size),)


def oracle(candidate, original):
    r = py_rng(1190)
    upper_junk = spd_matrix(r, 5)
    upper_junk[0][3] = float("nan")  # only the lower triangle is read
    cases = [
        ("random n=9", make_inputs(9, 1191)),
        ("random n=24", make_inputs(24, 1192)),
        ("1x1", ([[4.0]],)),
        ("ints", ([[4, 12, -16], [12, 37, -43], [-16, -43, 98]],)),
        ("NaN above the diagonal is not read", (upper_junk,)),
        ("not positive definite", ([[1.0, 2.0], [2.0, 1.0]],)),
        ("zero matrix", ([[0.0, 0.0], [0.0, 0.0]],)),
        ("empty", ([],)),
    ]
    outs = compare_all(candidate, original, cases)
    expect_raises(outs[5], ValueError, "not positive definite")
    expect_raises(outs[6], ZeroDivisionError, "zero matrix")
    for k in (0, 1, 3, 4):
        label, (A,) = cases[k]
        o = expect_ok(outs[k], label)
        A = np.asarray(A, float)
        A = np.tril(np.nan_to_num(A)) + np.tril(np.nan_to_num(A), -1).T
        assert_close_ref(o.result, np.linalg.cholesky(A), f"cholesky {label}")

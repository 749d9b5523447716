import numpy as np

from _common import (assert_close_ref, compare_all, expect_ok, expect_raises, float_matrix,
                     int_matrix, py_rng)

FUNCTION = "covariance"
GROUP = "polybench"
# n observations = 1.2 m, m variables = size. O(m^2 n)
SIZES = {"small": 19, "medium": 100, "large": 280}


def make_inputs(size, seed):
    r = py_rng(seed)
    m = size
    n = m + m // 5
    return (float_matrix(r, n, m, -10.0, 10.0),)


def oracle(candidate, original):
    r = py_rng(1090)
    const_col = float_matrix(r, 6, 3)
    for row in const_col:
        row[1] = 2.5
    nan_case = float_matrix(r, 5, 3)
    nan_case[2][0] = float("nan")
    cases = [
        ("random 7 vars", make_inputs(7, 1091)),
        ("random 16 vars", make_inputs(16, 1092)),
        ("one variable", (float_matrix(r, 5, 1),)),
        ("two observations", (float_matrix(r, 2, 3),)),
        ("one observation (division by zero)", (float_matrix(r, 1, 3),)),
        ("constant column", (const_col,)),
        ("NaN observation", (nan_case,)),
        ("int data", (int_matrix(r, 6, 4),)),
    ]
    outs = compare_all(candidate, original, cases)
    expect_raises(outs[4], ZeroDivisionError, "one observation")
    for k in (0, 1, 2, 3, 5, 7):
        label, (data,) = cases[k]
        o = expect_ok(outs[k], label)
        ref = np.atleast_2d(np.cov(np.asarray(data, float), rowvar=False))
        assert_close_ref(o.result, ref, f"covariance {label}")

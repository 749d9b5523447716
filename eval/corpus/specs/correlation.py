import numpy as np

from _common import (assert_close_ref, compare_all, expect_ok, float_matrix, int_matrix,
                     py_rng)

FUNCTION = "correlation"
GROUP = "polybench"
# n observations = 1.2 m, m variables = size. O(m^2 n)
SIZES = {"small": 19, "medium": 110, "large": 300}


def make_inputs(size, seed):
    r = py_rng(seed)
    m = size
    n = m + m // 5
    return (float_matrix(r, n, m, -10.0, 10.0),)


def oracle(candidate, original):
    r = py_rng(1100)
    const_col = float_matrix(r, 6, 3)
    for row in const_col:
        row[2] = -4.0
    cases = [
        ("random 7 vars", make_inputs(7, 1101)),
        ("random 15 vars", make_inputs(15, 1102)),
        ("one variable", (float_matrix(r, 4, 1),)),
        ("one observation", (float_matrix(r, 1, 3),)),
        ("constant column", (const_col,)),
        ("int data", (int_matrix(r, 5, 3),)),
        ("NaN", ([[1.0, float("nan")], [2.0, 1.0], [0.5, 3.0]],)),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 5):
        label, (data,) = cases[k]
        o = expect_ok(outs[k], label)
        d = np.asarray(data, float)
        assert_close_ref(o.result, np.corrcoef(d, rowvar=False), f"correlation {label}")
        std = d.std(axis=0)
        assert_close_ref(o.args[0], (d - d.mean(axis=0)) / (np.sqrt(len(d)) * std),
                         f"correlation standardised data {label}")
    o = expect_ok(outs[4], "constant column")
    assert_close_ref([row[2] for row in o.args[0]], [0.0] * 6, "constant column centred")

import numpy as np

from _common import (assert_close_ref, compare_all, expect_ok, expect_raises, float_list,
                     py_rng)

FUNCTION = "trisolv"
GROUP = "polybench"
# n x n lower triangular. O(n^2)
SIZES = {"small": 130, "medium": 1600, "large": 5000}


def _lower(r, n):
    L = []
    for i in range(n):
        row = [r.uniform(-1.0, 1.0) / n if j < i else 0.0 for j in range(n)]
        row[i] = r.uniform(1.0, 2.0)
        L.append(row)
    return L


def make_inputs(size, seed):
    r = py_rng(seed)
    return (_lower(r, size), float_list(r, size, -10.0, 10.0))


def oracle(candidate, original):
    r = py_rng(1200)
    junk = _lower(r, 4)
    junk[0][3] = float("nan")  # above the diagonal: not read
    cases = [
        ("random n=10", make_inputs(10, 1201)),
        ("random n=40", make_inputs(40, 1202)),
        ("n=1", ([[2.0]], [3.0])),
        ("empty", ([], [])),
        ("ints", ([[2, 0, 0], [1, 1, 0], [1, -1, 4]], [2, 3, 5])),
        ("NaN above the diagonal is not read", (junk, float_list(r, 4))),
        ("zero on the diagonal", ([[1.0, 0.0], [1.0, 0.0]], [1.0, 1.0])),
    ]
    outs = compare_all(candidate, original, cases)
    expect_raises(outs[6], ZeroDivisionError, "zero on the diagonal")
    for k in (0, 1, 2, 4, 5):
        label, (L, b) = cases[k]
        o = expect_ok(outs[k], label)
        Lm = np.tril(np.nan_to_num(np.asarray(L, float)))
        assert_close_ref(o.result, np.linalg.solve(Lm, np.asarray(b, float)), f"trisolv {label}")

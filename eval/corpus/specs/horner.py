import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, float_list, py_rng

FUNCTION = "horner"
GROUP = "algorithm"
DEGREE = 12
# n points, degree-12 polynomial. O(n * degree)
SIZES = {"small": 1000, "medium": 170000, "large": 3300000}


def make_inputs(size, seed):
    r = py_rng(seed)
    return (float_list(r, DEGREE + 1), float_list(r, size, -1.5, 1.5))


def oracle(candidate, original):
    r = py_rng(1450)
    cases = [
        ("random", make_inputs(100, 1451)),
        ("high degree", (float_list(r, 40), float_list(r, 30, -1.0, 1.0))),
        ("constant polynomial", ([3.5], [0.0, 1.0, -2.0])),
        ("no coefficients", ([], [1.0, 2.0])),
        ("no points", ([1.0, 2.0], [])),
        ("int coefficients and points", ([2, -3, 1], [0, 1, 2, 5])),
        ("NaN and inf points", ([1.0, 0.0, -1.0], [float("nan"), float("inf"), 2.0])),
        ("large x", ([1.0, 0.0, 0.0, 0.0, 1.0], [1e80, -1e80])),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 2, 5):
        label, (coeffs, xs) = cases[k]
        o = expect_ok(outs[k], label)
        assert_close_ref(o.result, np.polyval(np.asarray(coeffs, float), np.asarray(xs, float)),
                         f"horner {label}")

import numpy as np

from _common import compare_all, expect_ok, expect_raises, float_list, py_rng

FUNCTION = "float_histogram"
GROUP = "algorithm"
NBINS = 64
# n floats into 64 bins. O(n)
SIZES = {"small": 4500, "medium": 320000, "large": 6400000}


def make_inputs(size, seed):
    r = py_rng(seed)
    values = [r.gauss(0.0, 1.0) for _ in range(size)]
    return (values, -3.0, 3.0, NBINS)


def oracle(candidate, original):
    r = py_rng(1440)
    nan_inf = float_list(r, 50, -2.0, 2.0) + [float("nan"), float("inf"), -float("inf"), 1.0, -1.0]
    cases = [
        ("random 300", make_inputs(300, 1441)),
        ("edges lo and hi", ([0.0, 1.0, 0.5, 0.25, 0.75, 1.0, 0.0], 0.0, 1.0, 4)),
        ("values outside", ([-5.0, 5.0, 0.5], 0.0, 1.0, 3)),
        ("NaN and inf", (nan_inf, -1.0, 1.0, 10)),
        ("one bin", (float_list(r, 20), -1.0, 1.0, 1)),
        ("empty", ([], 0.0, 1.0, 5)),
        ("ints", ([r.randint(0, 20) for _ in range(40)], 0, 20, 7)),
        ("zero bins", ([0.5], 0.0, 1.0, 0)),
    ]
    outs = compare_all(candidate, original, cases)
    expect_raises(outs[7], ZeroDivisionError, "zero bins")
    for k in (0, 1, 4):
        label, (values, lo, hi, nbins) = cases[k]
        o = expect_ok(outs[k], label)
        ref = np.histogram([v for v in values if lo <= v <= hi], bins=nbins, range=(lo, hi))[0]
        if o.result != ref.tolist():
            raise AssertionError(f"reference check float_histogram {label}: original {o.result}, "
                                 f"numpy {ref.tolist()}")

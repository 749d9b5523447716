import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, np_rng

FUNCTION = "go_fast"
GROUP = "numpy-loops"
# n x n array. O(n^2) scalar np.tanh calls
SIZES = {"small": 28, "medium": 330, "large": 1500}


def make_inputs(size, seed):
    return (np_rng(seed).normal(0.0, 1.0, size=(size, size)),)


def oracle(candidate, original):
    rng = np_rng(1360)
    nan_a = rng.normal(size=(4, 4))
    nan_a[1, 2] = np.nan
    cases = [
        ("random 10", make_inputs(10, 1361)),
        ("random 7x23", (rng.normal(size=(7, 23)),)),
        ("1x1", (np.array([[0.5]]),)),
        ("zeros", (np.zeros((3, 3)),)),
        ("large magnitudes", (rng.normal(scale=50.0, size=(5, 5)),)),
        ("NaN", (nan_a,)),
        ("int array", (rng.integers(-3, 4, size=(4, 5)),)),
        ("empty rows", (np.zeros((0, 4)),)),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 2, 3, 4, 6):
        label, (a,) = cases[k]
        o = expect_ok(outs[k], label)
        assert_close_ref(o.result, a + np.tanh(a).sum(), f"go_fast {label}")

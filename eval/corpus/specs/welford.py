import statistics

from _common import assert_close_ref, compare_all, expect_ok, float_list, int_list, py_rng

FUNCTION = "welford"
GROUP = "algorithm"
# n floats. O(n)
SIZES = {"small": 7100, "medium": 620000, "large": 12000000}


def make_inputs(size, seed):
    r = py_rng(seed)
    return ([r.gauss(100.0, 15.0) for _ in range(size)],)


def oracle(candidate, original):
    r = py_rng(1460)
    cases = [
        ("random", make_inputs(400, 1461)),
        ("large offset", ([1e9 + x for x in float_list(r, 100)],)),
        ("empty", ([],)),
        ("one value", ([4.25],)),
        ("two values", ([1.0, 3.0],)),
        ("ints", (int_list(r, 50),)),
        ("constant", ([2.5] * 10,)),
        ("NaN", ([1.0, float("nan"), 3.0],)),
        ("inf", ([1.0, float("inf")],)),
        ("tuple of floats", (tuple(float_list(r, 20)),)),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 4, 5, 6, 9):
        label, (values,) = cases[k]
        o = expect_ok(outs[k], label)
        ref = (statistics.fmean(values), statistics.variance(values))
        assert_close_ref(o.result, ref, f"welford {label}", rtol=1e-6)

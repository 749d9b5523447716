import itertools

from _common import compare_all, expect_ok, float_list, int_list, py_rng

FUNCTION = "prefix_sums"
GROUP = "algorithm"
# n ints. O(n)
SIZES = {"small": 11000, "medium": 1500000, "large": 12000000}


def make_inputs(size, seed):
    return (int_list(py_rng(seed), size, -100, 100),)


def oracle(candidate, original):
    r = py_rng(1400)
    cases = [
        ("random ints", make_inputs(200, 1401)),
        ("random floats", (float_list(r, 150, -1e3, 1e3),)),
        ("empty", ([],)),
        ("one float", ([2.5],)),
        ("one int", ([7],)),
        ("ints beyond int64", ([2 ** 62, 2 ** 62, 2 ** 62, -(2 ** 63)],)),
        ("mixed int and float", ([1, 2.5, 3, -0.5],)),
        ("NaN and inf", ([1.0, float("nan"), 2.0],)),
        ("inf", ([1.0, float("inf"), -1.0],)),
        ("bools", ([True, False, True],)),
        ("tuple input", (tuple(int_list(r, 10)),)),
    ]
    outs = compare_all(candidate, original, cases)
    for k, (label, (values,)) in enumerate(cases):
        o = expect_ok(outs[k], label)
        ref = list(itertools.accumulate(values, initial=0))[1:]
        if len(o.result) != len(ref) or any(
                not (a == b or (a != a and b != b)) for a, b in zip(o.result, ref)):
            raise AssertionError(f"reference check prefix_sums {label}: original disagrees with "
                                 f"itertools.accumulate")

"""Negative control: uses the global `random` generator and prints progress. A rewrite must
keep the exact random stream (result), the printed lines and the generator state afterwards."""
import random

from _common import compare_calls, expect_ok, float_list, py_rng

FUNCTION = "bootstrap_ci"
GROUP = "negative"
RESAMPLES = 200
# n values, 200 resamples. O(n * resamples)
SIZES = {"small": 5, "medium": 830, "large": 17000}


def make_inputs(size, seed):
    r = py_rng(seed)
    return (float_list(r, size, 0.0, 50.0), RESAMPLES, seed)


def _with_state(fn):
    """Wrap fn so that the global random state after the call is part of the return value."""
    def wrapped(*args):
        result = fn(*args)
        return result, random.getstate()
    return wrapped


def oracle(candidate, original):
    r = py_rng(1510)
    saved = random.getstate()
    try:
        cases = [
            ("random", make_inputs(40, 1511)),
            ("250 resamples (two progress lines)", (float_list(r, 15), 250, 99)),
            ("one value", ([3.0], 10, 1)),
            ("ints", ([r.randint(0, 9) for _ in range(12)], 50, 2)),
            ("one resample", (float_list(r, 5), 1, 3)),
            ("no values", ([], 5, 4)),
            ("no resamples", (float_list(r, 5), 0, 5)),
        ]
        outs = []
        for label, args in cases:
            outs.append(compare_calls(_with_state(candidate), _with_state(original), args, label))
        o = expect_ok(outs[0], "random")
        (lo, hi), _ = o.result
        values = cases[0][1][0]
        mean = sum(values) / len(values)
        if not lo <= mean <= hi:
            raise AssertionError(f"reference check bootstrap_ci: mean {mean} outside ({lo}, {hi})")
        if "resample 200/200" not in o.stdout:
            raise AssertionError("reference check bootstrap_ci: progress line missing")
    finally:
        random.setstate(saved)

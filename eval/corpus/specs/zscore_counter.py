"""Negative control: mutates module-level globals (call counter, running total, last scale).
Compared: result, exceptions, and the change of each global in the module that defines the
function (read through its __globals__, so a rewritten module is checked on its own globals)."""
import inspect
import math

from _common import assert_close_ref, compare_calls, expect_ok, float_list, py_rng

FUNCTION = "zscore_counter"
GROUP = "negative"
# n floats
SIZES = {"small": 3100, "medium": 590000, "large": 6000000}

_NAMES = ("CALLS", "VALUES_SEEN", "LAST_SCALE")


def make_inputs(size, seed):
    return (float_list(py_rng(seed), size, -100.0, 100.0),)


def _globals_of(fn):
    return inspect.unwrap(fn).__globals__


def _tracking(fn):
    """fn wrapped so that it never raises: returns (result, exception type name, change of
    CALLS and VALUES_SEEN, LAST_SCALE afterwards), read from the globals of fn's own module."""
    def wrapped(*args):
        g = _globals_of(fn)
        missing = [name for name in _NAMES if name not in g]
        if missing:
            raise AssertionError(f"{fn.__name__}'s module has no global(s) {missing}")
        before = (g["CALLS"], g["VALUES_SEEN"])
        result, exc = None, None
        try:
            result = fn(*args)
        except Exception as e:  # noqa: BLE001
            exc = type(e).__name__
        delta = (g["CALLS"] - before[0], g["VALUES_SEEN"] - before[1])
        return result, exc, delta, g["LAST_SCALE"]
    return wrapped


def oracle(candidate, original):
    r = py_rng(1540)
    cases = [
        ("random", make_inputs(100, 1541)),
        ("constant", ([3.0] * 5,)),
        ("one value", ([1.5],)),
        ("ints", ([r.randint(-5, 5) for _ in range(9)],)),
        ("NaN", ([1.0, float("nan"), 2.0],)),
        ("empty (ZeroDivisionError after counting)", ([],)),
        ("after the error", ([2.0, 4.0],)),
    ]
    outs = []
    for label, args in cases:
        outs.append(compare_calls(_tracking(candidate), _tracking(original), args, label))
    if outs[5].result[1] != "ZeroDivisionError":
        raise AssertionError("reference check zscore_counter: empty input should raise ZeroDivisionError")
    o = expect_ok(outs[0], "random")
    values = cases[0][1][0]
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    assert_close_ref(o.result[0], [(v - mean) / std for v in values], "zscore_counter")
    if o.result[2] != (1, len(values)):
        raise AssertionError(f"reference check zscore_counter: globals delta {o.result[2]}")

"""Negative control: takes a callback and calls it once per node. Compared: result, and the
exact sequence of arguments the callback saw (recorded by callable objects in the arguments)."""
import math

from _common import assert_close_ref, compare_all, expect_ok, expect_raises, py_rng

FUNCTION = "trapezoid"
GROUP = "negative"
# n panels (n + 1 callback calls)
SIZES = {"small": 4200, "medium": 530000, "large": 11000000}


def bump(x):
    return x * x * math.exp(-x)


def make_inputs(size, seed):
    r = py_rng(seed)
    a = r.uniform(-1.0, 0.0)
    return (bump, a, a + r.uniform(1.0, 4.0), size)


class Recorder:
    """Callable that records every argument it is called with."""

    def __init__(self, fn):
        self.fn = fn
        self.calls = []

    def __call__(self, x):
        self.calls.append(x)
        return self.fn(x)


def _cubic(x):
    return 2.0 * x ** 3 - x + 1.0


def _linear_int(x):
    return 3 * int(x) + 1


class Fails:
    def __init__(self):
        self.calls = 0

    def __call__(self, x):
        self.calls += 1
        if x > 0.5:
            raise ValueError("sensor offline")
        return x


def oracle(candidate, original):
    cases = [
        ("random", make_inputs(64, 1530)),
        ("recorded calls", (Recorder(math.sin), 0.0, math.pi, 16)),
        ("recorded cubic", (Recorder(_cubic), -1.0, 2.0, 9)),
        ("builtin callback", (math.cos, 0.0, 1.0, 10)),
        ("int-returning callback", (_linear_int, 0, 10, 10)),
        ("one panel", (Recorder(abs), -1.0, 1.0, 1)),
        ("reversed interval", (Recorder(math.exp), 1.0, 0.0, 5)),
        ("callback raises part-way", (Fails(), 0.0, 1.0, 10)),
        ("zero panels", (math.sin, 0.0, 1.0, 0)),
    ]
    outs = compare_all(candidate, original, cases)
    expect_raises(outs[7], ValueError, "callback raises")
    expect_raises(outs[8], ZeroDivisionError, "zero panels")
    o = expect_ok(outs[1], "recorded calls")
    assert_close_ref(o.result, 2.0, "trapezoid of sin over [0, pi]", rtol=1e-2)
    if len(o.args[0].calls) != 17:
        raise AssertionError("reference check trapezoid: callback not called once per node")
    o = expect_ok(outs[2], "recorded cubic")
    exact = (0.5 * 2.0 ** 4 - 0.5 * 2.0 ** 2 + 2.0) - (0.5 - 0.5 - 1.0)
    assert_close_ref(o.result, exact, "trapezoid of a cubic", rtol=0.1)

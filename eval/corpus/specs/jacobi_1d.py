import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, float_list, int_list, py_rng

FUNCTION = "jacobi_1d"
GROUP = "polybench"
STEPS = 50
# n points, 50 sweeps. O(n * steps)
SIZES = {"small": 140, "medium": 20000, "large": 400000}


def make_inputs(size, seed):
    r = py_rng(seed)
    return (float_list(r, size, 0.0, 10.0), STEPS)


def _ref(signal, steps):
    cur = np.asarray(signal, float).copy()
    for _ in range(steps):
        cur[1:-1] = 0.33333 * (cur[:-2] + cur[1:-1] + cur[2:])
    return cur


def oracle(candidate, original):
    r = py_rng(1110)
    nan_case = float_list(r, 9)
    nan_case[4] = float("nan")
    cases = [
        ("random n=20", make_inputs(20, 1111)),
        ("random n=101, 7 steps", (float_list(r, 101, -5.0, 5.0), 7)),
        ("zero steps", (float_list(r, 6), 0)),
        ("n=1", ([2.0], 5)),
        ("n=2", ([2.0, -1.0], 5)),
        ("empty", ([], 3)),
        ("NaN spreads", (nan_case, 2)),
        ("ints (end points stay ints)", (int_list(r, 8), 3)),
        ("ints, zero steps", (int_list(r, 5), 0)),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 7):
        label, args = cases[k]
        o = expect_ok(outs[k], label)
        assert_close_ref(o.result, _ref(*args), f"jacobi_1d {label}")

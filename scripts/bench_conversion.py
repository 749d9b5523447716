"""The adapter's list <-> array conversions against a baseline, interleaved, in one process.

`_aiaccel_arr` (src/propose/rules/helpers.py, or the file given with --helpers, e.g. an older
version from `git show REV:src/propose/rules/helpers.py > old.py`) is timed against the plain
way (the exact element-type check, then `np.array(x, dtype)`), and `_aiaccel_put_rows` against
`_aiaccel_put(dst, a.tolist())`, on float lists of the shapes below. Prints ns per element,
medians of the rounds, and the ratio.

    usage: .venv-ci/bin/python scripts/bench_conversion.py [--helpers PATH] [--rounds N]
"""
import argparse
import importlib.util
import os
import random
import statistics
import time

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--helpers", default=os.path.join(os.path.dirname(__file__), "..", "src", "propose", "rules", "helpers.py"))
ap.add_argument("--rounds", type=int, default=7)
args = ap.parse_args()
spec = importlib.util.spec_from_file_location("helpers", args.helpers)
h = importlib.util.module_from_spec(spec)
spec.loader.exec_module(h)


def plain_arr(x):
    kinds = set()
    for r in x:
        kinds.update(map(type, r))
    return np.array(x, dtype=np.float64) if kinds == {float} else None


def plain_put(dst, a):
    for row, vals in zip(dst, a.tolist()):
        row[:] = vals


def clock(f, n):
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best / n * 1e9


r = random.Random(1)
print("%-14s %10s %10s %7s   %10s %10s %7s" % ("shape", "np.array", "_arr", "ratio", "tolist", "put_rows", "ratio"))
for rows, cols in [(10, 10), (98, 107), (684, 760), (1500, 1500), (100000, 3), (3, 100000)]:
    x = [[r.uniform(-1, 1) for _ in range(cols)] for _ in range(rows)]
    a = np.array(x) * 2
    n = rows * cols
    t = {k: [] for k in ("plain_arr", "arr", "plain_put", "put")}
    for _ in range(args.rounds):
        t["plain_arr"].append(clock(lambda: plain_arr(x), n))
        t["arr"].append(clock(lambda: h._aiaccel_arr(x, 2, float), n))
        t["plain_put"].append(clock(lambda: plain_put(x, a), n))
        if hasattr(h, "_aiaccel_put_rows"):
            t["put"].append(clock(lambda: h._aiaccel_put_rows(x, a), n))
        else:
            t["put"].append(clock(lambda: h._aiaccel_put(x, a.tolist()), n))
    m = {k: statistics.median(v) for k, v in t.items()}
    print("%-14s %10.1f %10.1f %6.2fx   %10.1f %10.1f %6.2fx" % ("%dx%d" % (rows, cols), m["plain_arr"], m["arr"], m["plain_arr"] / m["arr"], m["plain_put"], m["put"], m["plain_put"] / m["put"]))
print("(ns per element, medians of %d interleaved rounds; ratio > 1: the adapter is faster)" % args.rounds)

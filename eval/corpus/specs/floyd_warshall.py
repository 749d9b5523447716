import math

import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, py_rng

FUNCTION = "floyd_warshall"
GROUP = "polybench"
NO_EDGE = 10 ** 9
# n x n int distance matrix. O(n^3)
SIZES = {"small": 19, "medium": 110, "large": 310}


def _graph(r, n, density=0.3, missing=NO_EDGE, weights=(1, 100)):
    dist = []
    for i in range(n):
        row = []
        for j in range(n):
            if i == j:
                row.append(0 if missing == NO_EDGE else 0.0)
            elif r.random() < density:
                w = r.randint(*weights)
                row.append(w if missing == NO_EDGE else float(w) + r.random())
            else:
                row.append(missing)
        dist.append(row)
    return dist


def make_inputs(size, seed):
    r = py_rng(seed)
    return (_graph(r, size),)


def _ref(dist):
    d = np.asarray(dist, float).copy()
    for k in range(len(d)):
        d = np.minimum(d, d[:, k:k + 1] + d[k:k + 1, :])
    return d


def oracle(candidate, original):
    r = py_rng(1160)
    cases = [
        ("random n=9", make_inputs(9, 1161)),
        ("random n=20, sparse", (_graph(r, 20, density=0.1),)),
        ("float weights with inf", (_graph(r, 10, missing=math.inf),)),
        ("n=1", ([[0]],)),
        ("disconnected", ([[0, NO_EDGE], [NO_EDGE, 0]],)),
        ("dense complete graph", (_graph(r, 8, density=1.0),)),
        ("empty", ([],)),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 2, 5):
        label, (dist,) = cases[k]
        o = expect_ok(outs[k], label)
        assert_close_ref(o.args[0], _ref(dist), f"floyd_warshall {label}", rtol=0, atol=1e-9)

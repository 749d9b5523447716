import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, np_rng

FUNCTION = "distance_matrix"
GROUP = "numpy-loops"
DIM = 3
# n points in 3-D. O(n^2 * d / 2)
SIZES = {"small": 22, "medium": 260, "large": 1200}


def make_inputs(size, seed):
    return (np_rng(seed).normal(0.0, 10.0, size=(size, DIM)),)


def oracle(candidate, original):
    rng = np_rng(1390)
    nan_pts = rng.normal(size=(4, 2))
    nan_pts[2, 1] = np.nan
    dup = rng.normal(size=(5, 3))
    dup[3] = dup[1]
    cases = [
        ("random 9", make_inputs(9, 1391)),
        ("random 20 in 7-D", (rng.normal(size=(20, 7)),)),
        ("one point", (np.array([[1.0, 2.0]]),)),
        ("1-D points", (rng.normal(size=(6, 1)),)),
        ("duplicate points", (dup,)),
        ("NaN coordinate", (nan_pts,)),
        ("int coordinates", (rng.integers(-5, 6, size=(5, 2)),)),
        ("no points", (np.zeros((0, 3)),)),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 2, 3, 4, 6):
        label, (pts,) = cases[k]
        o = expect_ok(outs[k], label)
        p = np.asarray(pts, float)
        ref = np.sqrt(((p[:, None, :] - p[None, :, :]) ** 2).sum(axis=2))
        assert_close_ref(o.result, ref, f"distance_matrix {label}")

import math

import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, expect_raises, np_rng

FUNCTION = "gaussian_blur"
GROUP = "numpy-loops"
SIGMA = 1.5
# n x n image, sigma 1.5 (9 taps). O(n^2 * taps)
SIZES = {"small": 6, "medium": 89, "large": 400}


def make_inputs(size, seed):
    return (np_rng(seed).uniform(0.0, 1.0, size=(size, size)), SIGMA)


def _ref(image, sigma):
    radius = int(math.ceil(3.0 * sigma))
    k = np.arange(-radius, radius + 1)
    wts = np.exp(-(k * k) / (2.0 * sigma * sigma))
    wts /= wts.sum()
    img = np.asarray(image, float)
    h, w = img.shape
    xs = np.clip(np.arange(w)[:, None] + k[None, :], 0, w - 1)
    tmp = (img[:, xs] * wts).sum(axis=2)
    ys = np.clip(np.arange(h)[:, None] + k[None, :], 0, h - 1)
    return np.einsum("ykx,k->yx", tmp[ys, :], wts)


def oracle(candidate, original):
    rng = np_rng(1380)
    nan_img = rng.uniform(size=(7, 7))
    nan_img[0, 0] = np.nan
    cases = [
        ("random 12", make_inputs(12, 1381)),
        ("rectangular 5x17, sigma 0.8", (rng.uniform(size=(5, 17)), 0.8)),
        ("tiny sigma", (rng.uniform(size=(4, 4)), 0.3)),
        ("kernel wider than the image", (rng.uniform(size=(3, 4)), 4.0)),
        ("1x1", (np.array([[7.0]]), 1.0)),
        ("int sigma", (rng.uniform(size=(6, 6)), 2)),
        ("NaN pixel", (nan_img, 1.0)),
        ("int image", (rng.integers(0, 255, size=(6, 6)), 1.0)),
        ("sigma 0", (rng.uniform(size=(3, 3)), 0.0)),
    ]
    outs = compare_all(candidate, original, cases)
    expect_raises(outs[8], ZeroDivisionError, "sigma 0")
    for k in (0, 1, 2, 3, 4, 5, 7):
        label, args = cases[k]
        o = expect_ok(outs[k], label)
        assert_close_ref(o.result, _ref(*args), f"gaussian_blur {label}")

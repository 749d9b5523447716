import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from _common import assert_close_ref, compare_all, expect_ok, expect_raises, np_rng

FUNCTION = "convolve2d"
GROUP = "numpy-loops"
KERNEL = 5
# n x n image, 5x5 kernel. O(n^2 * 25)
SIZES = {"small": 11, "medium": 77, "large": 340}


def make_inputs(size, seed):
    rng = np_rng(seed)
    return (rng.uniform(0.0, 1.0, size=(size, size)), rng.normal(0.0, 1.0, size=(KERNEL, KERNEL)))


def _ref(image, kernel):
    win = sliding_window_view(np.asarray(image, float), kernel.shape)
    return np.einsum("ijuv,uv->ij", win, kernel[::-1, ::-1])


def oracle(candidate, original):
    rng = np_rng(1340)
    nan_img = rng.uniform(size=(6, 6))
    nan_img[3, 3] = np.nan
    cases = [
        ("random 12", make_inputs(12, 1341)),
        ("rectangular 7x11, 3x2 kernel", (rng.uniform(size=(7, 11)), rng.normal(size=(3, 2)))),
        ("kernel as large as the image", (rng.uniform(size=(4, 4)), rng.normal(size=(4, 4)))),
        ("1x1 kernel", (rng.uniform(size=(3, 5)), np.array([[2.0]]))),
        ("kernel larger than the image", (rng.uniform(size=(2, 2)), rng.normal(size=(4, 4)))),
        ("empty output", (rng.uniform(size=(2, 2)), rng.normal(size=(3, 3)))),
        ("NaN pixel", (nan_img, rng.normal(size=(3, 3)))),
        ("int image", (rng.integers(0, 255, size=(6, 5)), rng.normal(size=(2, 2)))),
    ]
    outs = compare_all(candidate, original, cases)
    expect_raises(outs[4], ValueError, "kernel larger than the image")
    for k in (0, 1, 2, 3, 7):
        label, (image, kernel) = cases[k]
        o = expect_ok(outs[k], label)
        assert_close_ref(o.result, _ref(image, kernel), f"convolve2d {label}")

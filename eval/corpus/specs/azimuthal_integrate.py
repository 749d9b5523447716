import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, np_rng

FUNCTION = "azimuthal_integrate"
GROUP = "numpy-loops"
NBINS = 50
# n x n image. O(n^2)
SIZES = {"small": 23, "medium": 260, "large": 1200}


def make_inputs(size, seed):
    rng = np_rng(seed)
    image = rng.exponential(1.0, size=(size, size))
    cx = size / 2.0 + float(rng.uniform(-1.0, 1.0))
    cy = size / 2.0 + float(rng.uniform(-1.0, 1.0))
    return (image, cx, cy, NBINS, size / 2.0)


def _ref(image, cx, cy, nbins, r_max):
    h, w = image.shape
    y, x = np.mgrid[0:h, 0:w]
    r = np.sqrt((x - cx) ** 2 + (y - cy) ** 2)
    b = (r / r_max * nbins).astype(np.int64)
    keep = b < nbins
    counts = np.bincount(b[keep], minlength=nbins)[:nbins]
    sums = np.bincount(b[keep], weights=image[keep], minlength=nbins)[:nbins]
    profile = np.where(counts > 0, sums / np.maximum(counts, 1), 0.0)
    return profile, counts


def oracle(candidate, original):
    rng = np_rng(1350)
    nan_img = rng.uniform(size=(9, 9))
    nan_img[4, 6] = np.nan
    cases = [
        ("random 16", make_inputs(16, 1351)),
        ("random 31", make_inputs(31, 1352)),
        ("centre outside the image", (rng.uniform(size=(8, 10)), -3.0, 12.0, 7, 20.0)),
        ("small radius, most pixels ignored", (rng.uniform(size=(10, 10)), 5.0, 5.0, 4, 2.5)),
        ("one bin", (rng.uniform(size=(5, 6)), 2.0, 2.5, 1, 100.0)),
        ("NaN pixel", (nan_img, 4.0, 4.0, 5, 6.0)),
        ("int image, int centre", (rng.integers(0, 100, size=(7, 7)), 3, 3, 4, 5)),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 2, 3, 4, 6):
        label, args = cases[k]
        o = expect_ok(outs[k], label)
        profile, counts = _ref(*args)
        assert_close_ref(o.result[0], profile, f"azimuthal_integrate profile {label}")
        assert_close_ref(o.result[1], counts, f"azimuthal_integrate counts {label}", rtol=0, atol=0)

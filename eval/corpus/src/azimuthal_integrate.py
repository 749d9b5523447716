"""Azimuthal (radial) average of a detector image around a beam centre."""
import math

import numpy as np


def azimuthal_integrate(image, cx, cy, nbins, r_max):
    """Average pixel value in ``nbins`` equal-width rings of radius [0, r_max) around (cx, cy).

    Returns (profile, counts): float64 mean per ring (0.0 for empty rings) and the int64
    number of pixels that fell into each ring. Pixels at r >= r_max are ignored.
    """
    h, w = image.shape
    sums = np.zeros(nbins)
    counts = np.zeros(nbins, dtype=np.int64)
    for y in range(h):
        for x in range(w):
            r = math.sqrt((x - cx) ** 2 + (y - cy) ** 2)
            b = int(r / r_max * nbins)
            if b < nbins:
                sums[b] += image[y, x]
                counts[b] += 1
    profile = np.zeros(nbins)
    for b in range(nbins):
        if counts[b] > 0:
            profile[b] = sums[b] / counts[b]
    return profile, counts

"""Separable Gaussian blur with clamp-to-edge borders."""
import math

import numpy as np


def gaussian_blur(image, sigma):
    """Blur a 2-D float array with a Gaussian of standard deviation ``sigma`` (> 0) pixels.
    The kernel is truncated at 3 sigma and normalised; pixels beyond the border repeat the
    edge value. Returns a new float64 array."""
    radius = int(math.ceil(3.0 * sigma))
    weights = []
    for k in range(-radius, radius + 1):
        weights.append(math.exp(-(k * k) / (2.0 * sigma * sigma)))
    total = sum(weights)
    for k in range(len(weights)):
        weights[k] /= total

    h, w = image.shape
    tmp = np.empty((h, w))
    for y in range(h):
        for x in range(w):
            acc = 0.0
            for k in range(len(weights)):
                xx = min(max(x + k - radius, 0), w - 1)
                acc += weights[k] * image[y, xx]
            tmp[y, x] = acc

    out = np.empty((h, w))
    for y in range(h):
        for x in range(w):
            acc = 0.0
            for k in range(len(weights)):
                yy = min(max(y + k - radius, 0), h - 1)
                acc += weights[k] * tmp[yy, x]
            out[y, x] = acc
    return out

"""Squash-and-shift feature transform (the 'go fast' demo loop)."""
import numpy as np


def go_fast(a):
    """Sum tanh over every entry of the 2-D array ``a`` and return ``a`` shifted by that sum."""
    total = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            total += np.tanh(a[i, j])
    return a + total

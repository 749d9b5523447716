"""Euclidean distance matrix of a point cloud."""
import math

import numpy as np


def distance_matrix(points):
    """points: (n, d) float array. Returns the (n, n) float64 array of pairwise distances."""
    n, d = points.shape
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            s = 0.0
            for k in range(d):
                diff = points[i, k] - points[j, k]
                s += diff * diff
            dist = math.sqrt(s)
            out[i, j] = dist
            out[j, i] = dist
    return out

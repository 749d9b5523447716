import math

import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True)
def _row_norms_kernel(matrix):
    out = np.zeros(matrix.shape[0])
    for i in prange(matrix.shape[0]):
        s = 0.0
        for j in range(matrix.shape[1]):
            s += matrix[i, j] * matrix[i, j]
        out[i] = math.sqrt(s)
    return out

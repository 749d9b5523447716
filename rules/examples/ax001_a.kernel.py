import numpy as np
from numba import njit


@njit(cache=True)
def _moving_average_kernel(values, window):
    n = values.shape[0]
    out = np.zeros(max(0, n - window + 1))
    for i in range(n - window + 1):
        s = 0.0
        for j in range(window):
            s += values[i + j]
        out[i] = s / window
    return out

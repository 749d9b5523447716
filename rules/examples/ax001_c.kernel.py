import numpy as np
from numba import njit


@njit(cache=True)
def _histogram_kernel(values, lo, hi, bins):
    counts = np.zeros(max(bins, 0), dtype=np.int64)
    width = (hi - lo) / bins
    for i in range(values.shape[0]):
        k = int((values[i] - lo) / width)
        if 0 <= k < bins:
            counts[k] += 1
    return counts

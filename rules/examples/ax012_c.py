import numpy as np


def smooth(A):
    n = A.shape[0]
    B = np.zeros(n)
    for i in range(1, n - 1):
        B[i] = 0.25 * A[i - 1] + 0.5 * A[i] + 0.25 * A[i + 1]
    return B

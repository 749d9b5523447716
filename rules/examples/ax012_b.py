import numpy as np


def matvec_t(A, x):
    n, m = A.shape
    y = np.zeros(m)
    for j in range(m):
        s = 0.0
        for i in range(n):
            s += A[i, j] * x[i]
        y[j] = s
    return y

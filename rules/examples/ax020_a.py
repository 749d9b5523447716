import numpy as np


def bicg(A, p, r):
    n, m = A.shape
    s = np.zeros(m)
    q = np.zeros(n)
    for i in range(n):
        for j in range(m):
            s[j] += r[i] * A[i, j]
    for i in range(n):
        t = 0.0
        for j in range(m):
            t += A[i, j] * p[j]
        q[i] = t
    return s, q

import numpy as np


def outer_update(A, u, v):
    n, m = A.shape
    for i in range(n):
        for j in range(m):
            A[i, j] = A[i, j] + u[i] * v[j]

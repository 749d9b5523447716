# no_fire: element-wise work only: copying the arrays to a GPU and back costs more than it saves
import numpy as np


def outer_update(A, u, v):
    n, m = A.shape
    for i in range(n):
        for j in range(m):
            A[i, j] = A[i, j] + u[i] * v[j]

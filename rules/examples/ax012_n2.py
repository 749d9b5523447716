# no_fire: triangular bounds
import numpy as np


def lower(A, B):
    n = A.shape[0]
    for i in range(n):
        for j in range(i):
            B[i, j] = A[i, j] * 2.0

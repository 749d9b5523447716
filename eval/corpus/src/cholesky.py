"""Cholesky factorisation of a symmetric positive definite matrix."""
import math


def cholesky(A):
    """Return the lower-triangular L (nested lists) with L L^T = A. Only the lower triangle of
    A is read. Raises ValueError when A is not positive definite."""
    n = len(A)
    L = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            s = A[i][j]
            for k in range(j):
                s -= L[i][k] * L[j][k]
            if i == j:
                L[i][i] = math.sqrt(s)
            else:
                L[i][j] = s / L[j][j]
    return L

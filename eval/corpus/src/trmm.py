"""Triangular matrix multiplication."""


def trmm(alpha, A, B):
    """B := alpha * A^T B in place, where A is m x m unit lower triangular (only the strictly
    lower part of A is read) and B is m x n."""
    m = len(B)
    for i in range(m):
        n = len(B[i])
        for j in range(n):
            for k in range(i + 1, m):
                B[i][j] += A[k][i] * B[k][j]
            B[i][j] = alpha * B[i][j]

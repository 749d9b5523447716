"""Symmetric rank-2k update (lower triangle)."""


def syr2k(alpha, beta, C, A, B):
    """C := alpha * (A B^T + B A^T) + beta * C on the lower triangle of C (in place).

    C is n x n, A and B are n x m.
    """
    n = len(C)
    m = len(A[0]) if n > 0 else 0
    for i in range(n):
        for j in range(i + 1):
            C[i][j] *= beta
        for k in range(m):
            for j in range(i + 1):
                C[i][j] += A[j][k] * alpha * B[i][k] + B[j][k] * alpha * A[i][k]

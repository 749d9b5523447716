"""Symmetric rank-k update (lower triangle)."""


def syrk(alpha, beta, C, A):
    """C := alpha * A A^T + beta * C on the lower triangle of C (in place).

    C is n x n, A is n x m. Entries above the diagonal are left untouched.
    """
    n = len(C)
    m = len(A[0]) if n > 0 else 0
    for i in range(n):
        for j in range(i + 1):
            C[i][j] *= beta
        for k in range(m):
            for j in range(i + 1):
                C[i][j] += alpha * A[i][k] * A[j][k]

"""Matrix transpose and vector multiplication (atax)."""


def atax(A, x):
    """Return y = A^T (A x) for an m x n nested-list matrix A and a length-n vector x."""
    m = len(A)
    n = len(x)
    y = [0.0] * n
    for i in range(m):
        tmp = 0.0
        for j in range(n):
            tmp += A[i][j] * x[j]
        for j in range(n):
            y[j] += A[i][j] * tmp
    return y

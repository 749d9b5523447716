"""Scalar, vector and matrix multiplication (gesummv)."""


def gesummv(alpha, beta, A, B, x):
    """Return y = alpha * A x + beta * B x for square nested-list matrices A and B."""
    n = len(x)
    y = []
    for i in range(n):
        tmp = 0.0
        acc = 0.0
        for j in range(n):
            tmp += A[i][j] * x[j]
            acc += B[i][j] * x[j]
        y.append(alpha * tmp + beta * acc)
    return y

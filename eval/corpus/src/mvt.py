"""Matrix-vector product and transpose (mvt)."""


def mvt(A, x1, x2, y1, y2):
    """In place: x1 += A y1 and x2 += A^T y2 for a square nested-list matrix A."""
    n = len(A)
    for i in range(n):
        for j in range(n):
            x1[i] = x1[i] + A[i][j] * y1[j]
    for i in range(n):
        for j in range(n):
            x2[i] = x2[i] + A[j][i] * y2[j]

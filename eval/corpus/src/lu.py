"""In-place LU decomposition without pivoting (Doolittle)."""


def lu(A):
    """Overwrite the square nested-list matrix A with its LU factors: the strictly lower part
    holds L (unit diagonal implied) and the upper part holds U."""
    n = len(A)
    for i in range(n):
        for j in range(i):
            for k in range(j):
                A[i][j] -= A[i][k] * A[k][j]
            A[i][j] /= A[j][j]
        for j in range(i, n):
            for k in range(i):
                A[i][j] -= A[i][k] * A[k][j]

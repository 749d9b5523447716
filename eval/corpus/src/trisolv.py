"""Forward substitution for a lower-triangular system."""


def trisolv(L, b):
    """Solve L x = b for x, where L is lower triangular (nested lists); returns x as a list."""
    n = len(b)
    x = [0.0] * n
    for i in range(n):
        s = b[i]
        for j in range(i):
            s -= L[i][j] * x[j]
        x[i] = s / L[i][i]
    return x

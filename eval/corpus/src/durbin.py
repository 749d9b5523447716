"""Levinson-Durbin recursion for Yule-Walker (Toeplitz) systems."""


def durbin(r):
    """Solve the Toeplitz system T y = -r, where T has ones on the diagonal and r[k-1] on the
    k-th off-diagonals (r are autocorrelations normalised by r_0). Returns y as a list."""
    n = len(r)
    y = [0.0] * n
    z = [0.0] * n
    if n == 0:
        return y
    y[0] = -r[0]
    beta = 1.0
    alpha = -r[0]
    for k in range(1, n):
        beta = (1.0 - alpha * alpha) * beta
        s = 0.0
        for i in range(k):
            s += r[k - i - 1] * y[i]
        alpha = -(r[k] + s) / beta
        for i in range(k):
            z[i] = y[i] + alpha * y[k - i - 1]
        for i in range(k):
            y[i] = z[i]
        y[k] = alpha
    return y

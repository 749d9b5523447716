"""1-D Jacobi smoothing of a signal."""


def jacobi_1d(signal, steps):
    """Return the signal after ``steps`` three-point Jacobi sweeps; the end points are fixed.
    The input list is not modified."""
    n = len(signal)
    cur = list(signal)
    nxt = list(signal)
    for t in range(steps):
        for i in range(1, n - 1):
            nxt[i] = 0.33333 * (cur[i - 1] + cur[i] + cur[i + 1])
        cur, nxt = nxt, cur
    return cur

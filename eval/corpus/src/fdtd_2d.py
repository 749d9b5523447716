"""2-D finite-difference time-domain (Yee) update of an electromagnetic field."""


def fdtd_2d(ex, ey, hz, source):
    """Advance the fields ex, ey, hz (nx x ny nested lists, updated in place) by one step per
    entry of ``source``; source[t] drives the first row of ey at step t."""
    nx = len(ex)
    ny = len(ex[0])
    for t in range(len(source)):
        for j in range(ny):
            ey[0][j] = source[t]
        for i in range(1, nx):
            for j in range(ny):
                ey[i][j] = ey[i][j] - 0.5 * (hz[i][j] - hz[i - 1][j])
        for i in range(nx):
            for j in range(1, ny):
                ex[i][j] = ex[i][j] - 0.5 * (hz[i][j] - hz[i][j - 1])
        for i in range(nx - 1):
            for j in range(ny - 1):
                hz[i][j] = hz[i][j] - 0.7 * (ex[i][j + 1] - ex[i][j] + ey[i + 1][j] - ey[i][j])

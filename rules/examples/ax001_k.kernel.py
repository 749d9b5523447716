from numba import njit


@njit(cache=True)
def _diffuse_kernel(grid, steps):
    a = grid.copy()
    b = grid.copy()
    n = grid.shape[0]
    m = grid.shape[1]
    for t in range(steps):
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                b[i, j] = a[i, j] + 0.2 * (a[i - 1, j] + a[i + 1, j] + a[i, j - 1] + a[i, j + 1] - 4.0 * a[i, j])
        a, b = b, a
    return a

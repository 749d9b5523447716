"""2-D Jacobi relaxation (5-point stencil) on a grid, in place."""


def jacobi_2d(grid, steps):
    """Run ``steps`` Jacobi sweeps over the interior of ``grid`` (nested lists, updated in
    place). Boundary rows and columns keep their values."""
    n = len(grid)
    m = len(grid[0])
    tmp = [row[:] for row in grid]
    for t in range(steps):
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                tmp[i][j] = 0.2 * (grid[i][j] + grid[i][j - 1] + grid[i][j + 1]
                                   + grid[i - 1][j] + grid[i + 1][j])
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                grid[i][j] = tmp[i][j]

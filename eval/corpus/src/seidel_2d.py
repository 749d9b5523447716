"""Gauss-Seidel smoothing with a 9-point stencil, in place."""


def seidel_2d(grid, steps):
    """``steps`` Gauss-Seidel sweeps over the interior of ``grid`` (nested lists). Each cell
    becomes the mean of its 3x3 neighbourhood, using the values already updated in this sweep."""
    n = len(grid)
    m = len(grid[0])
    for t in range(steps):
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                grid[i][j] = (grid[i - 1][j - 1] + grid[i - 1][j] + grid[i - 1][j + 1]
                              + grid[i][j - 1] + grid[i][j] + grid[i][j + 1]
                              + grid[i + 1][j - 1] + grid[i + 1][j] + grid[i + 1][j + 1]) / 9.0

"""Explicit heat equation on a 3-D grid."""


def heat_3d(grid, steps):
    """Return a new 3-D grid (nested lists) after ``steps`` explicit heat-equation steps.
    Faces of the box are held at their initial values; the input is not modified."""
    nx = len(grid)
    ny = len(grid[0])
    nz = len(grid[0][0])
    a = [[row[:] for row in plane] for plane in grid]
    b = [[row[:] for row in plane] for plane in grid]
    for t in range(steps):
        for i in range(1, nx - 1):
            for j in range(1, ny - 1):
                for k in range(1, nz - 1):
                    b[i][j][k] = (0.125 * (a[i + 1][j][k] - 2.0 * a[i][j][k] + a[i - 1][j][k])
                                  + 0.125 * (a[i][j + 1][k] - 2.0 * a[i][j][k] + a[i][j - 1][k])
                                  + 0.125 * (a[i][j][k + 1] - 2.0 * a[i][j][k] + a[i][j][k - 1])
                                  + a[i][j][k])
        a, b = b, a
    return a

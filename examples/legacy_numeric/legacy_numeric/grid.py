"""Dense 2-D grid routines (nested lists, row-major) for the heat-map tools."""


def matmul(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
    """Naive matrix product of two nested-list matrices."""
    n = len(a)
    m = len(b)
    p = len(b[0])
    result = []
    for i in range(n):
        row = []
        for j in range(p):
            acc = 0.0
            for k in range(m):
                acc += a[i][k] * b[k][j]
            row.append(acc)
        result.append(row)
    return result


def jacobi_step(grid):
    """One Jacobi relaxation sweep for Laplace's equation; boundary cells are kept."""
    rows = len(grid)
    cols = len(grid[0])
    new_grid = [list(r) for r in grid]
    for i in range(1, rows - 1):
        for j in range(1, cols - 1):
            new_grid[i][j] = 0.25 * (grid[i - 1][j] + grid[i + 1][j] + grid[i][j - 1] + grid[i][j + 1])
    return new_grid


def convolve2d(image: list[list[float]], kernel: list[list[float]]) -> list[list[float]]:
    """'Valid' 2-D filtering (cross-correlation) of an image with a small kernel."""
    ih = len(image)
    iw = len(image[0])
    kh = len(kernel)
    kw = len(kernel[0])
    out = []
    for i in range(ih - kh + 1):
        row = []
        for j in range(iw - kw + 1):
            acc = 0.0
            for u in range(kh):
                for v in range(kw):
                    acc += image[i + u][j + v] * kernel[u][v]
            row.append(acc)
        out.append(row)
    return out


def transpose(matrix):
    """Rows become columns."""
    if not matrix:
        return []
    return [[matrix[i][j] for i in range(len(matrix))] for j in range(len(matrix[0]))]


def grid_total(grid):
    """Sum of every cell in the grid."""
    total = 0.0
    for row in grid:
        for cell in row:
            total += cell
    return total

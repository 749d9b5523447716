from jacobi_2d import jacobi_2d


def test_jacobi_2d_keeps_boundary():
    grid = [[1.0] * 5 for _ in range(4)]
    grid[1][2] = 6.0
    jacobi_2d(grid, 3)
    assert grid[0] == [1.0] * 5 and grid[3] == [1.0] * 5
    assert all(row[0] == 1.0 and row[4] == 1.0 for row in grid)
    assert grid[1][2] > 1.0

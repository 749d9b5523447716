from seidel_2d import seidel_2d


def test_seidel_constant_grid_is_fixed_point():
    grid = [[2.0] * 6 for _ in range(6)]
    seidel_2d(grid, 4)
    assert all(abs(v - 2.0) < 1e-12 for row in grid for v in row)


def test_seidel_one_sweep():
    grid = [[0.0, 0.0, 0.0], [0.0, 9.0, 0.0], [0.0, 0.0, 0.0]]
    seidel_2d(grid, 1)
    assert grid[1][1] == 1.0

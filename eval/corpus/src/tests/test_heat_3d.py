from heat_3d import heat_3d


def test_heat_3d_spreads_hot_spot():
    n = 5
    grid = [[[0.0] * n for _ in range(n)] for _ in range(n)]
    grid[2][2][2] = 8.0
    out = heat_3d(grid, 1)
    assert grid[2][2][2] == 8.0
    assert abs(out[2][2][2] - 2.0) < 1e-12
    assert abs(out[1][2][2] - 1.0) < 1e-12

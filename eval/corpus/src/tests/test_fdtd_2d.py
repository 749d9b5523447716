from fdtd_2d import fdtd_2d


def test_fdtd_2d_source_enters_first_row():
    nx, ny = 4, 5
    ex = [[0.0] * ny for _ in range(nx)]
    ey = [[0.0] * ny for _ in range(nx)]
    hz = [[0.0] * ny for _ in range(nx)]
    fdtd_2d(ex, ey, hz, [1.0, 0.5, 0.0])
    assert ey[0] == [0.0] * ny
    assert any(v != 0.0 for row in hz for v in row)

from welford import welford


def test_welford():
    mean, var = welford([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
    assert mean == 5.0
    assert abs(var - 32.0 / 7.0) < 1e-12
    assert welford([3.0]) == (3.0, 0.0)

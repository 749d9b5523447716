from covariance import covariance


def test_covariance_two_variables():
    data = [[1.0, 2.0], [2.0, 4.0], [3.0, 6.0], [4.0, 8.0]]
    cov = covariance(data)
    assert abs(cov[0][0] - 5.0 / 3.0) < 1e-12
    assert abs(cov[0][1] - 10.0 / 3.0) < 1e-12
    assert cov[0][1] == cov[1][0]
    assert abs(cov[1][1] - 20.0 / 3.0) < 1e-12

from durbin import durbin


def test_durbin_ar1():
    # autocorrelations of an AR(1) process: the solution has a single nonzero coefficient
    rho = 0.6
    r = [rho ** (k + 1) for k in range(5)]
    y = durbin(r)
    assert abs(y[0] + rho) < 1e-12
    assert all(abs(v) < 1e-12 for v in y[1:])

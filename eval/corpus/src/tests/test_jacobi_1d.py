from jacobi_1d import jacobi_1d


def test_jacobi_1d_smooths_spike():
    signal = [0.0, 0.0, 3.0, 0.0, 0.0]
    out = jacobi_1d(signal, 1)
    assert signal == [0.0, 0.0, 3.0, 0.0, 0.0]
    assert out[0] == 0.0 and out[-1] == 0.0
    assert abs(out[2] - 0.99999) < 1e-12
    assert len(jacobi_1d(signal, 10)) == 5

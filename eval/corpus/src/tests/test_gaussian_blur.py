import numpy as np

from gaussian_blur import gaussian_blur


def test_blur_preserves_constant_and_mass():
    flat = np.full((8, 9), 2.5)
    np.testing.assert_allclose(gaussian_blur(flat, 1.0), flat)
    spike = np.zeros((15, 15))
    spike[7, 7] = 1.0
    out = gaussian_blur(spike, 1.2)
    assert abs(out.sum() - 1.0) < 1e-12
    assert out[7, 7] == out.max()

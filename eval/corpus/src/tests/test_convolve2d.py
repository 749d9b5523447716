import numpy as np

from convolve2d import convolve2d


def test_convolve2d_valid_region():
    image = np.arange(16, dtype=np.float64).reshape(4, 4)
    kernel = np.array([[0.0, 1.0], [0.0, 0.0]])
    out = convolve2d(image, kernel)
    assert out.shape == (3, 3)
    # flipped kernel picks image[i + 1, j]
    np.testing.assert_array_equal(out, image[1:, :3])

import numpy as np

from mandelbrot import mandelbrot


def test_mandelbrot_small_window():
    counts = mandelbrot(-2.0, 0.5, -1.25, 1.25, 24, 20, 50)
    assert counts.shape == (20, 24)
    assert counts.dtype == np.int64
    assert counts.max() == 50
    assert counts[0, 0] <= 2

"""Escape-time counts of the Mandelbrot set on a rectangular window."""
import numpy as np


def mandelbrot(xmin, xmax, ymin, ymax, width, height, max_iter):
    """Return a (height, width) int64 array with the number of iterations before |z| > 2
    (max_iter for points that never escape)."""
    xs = np.linspace(xmin, xmax, width)
    ys = np.linspace(ymin, ymax, height)
    counts = np.zeros((height, width), dtype=np.int64)
    for row in range(height):
        cy = ys[row]
        for col in range(width):
            cx = xs[col]
            zr = 0.0
            zi = 0.0
            n = 0
            while n < max_iter and zr * zr + zi * zi <= 4.0:
                zr, zi = zr * zr - zi * zi + cx, 2.0 * zr * zi + cy
                n += 1
            counts[row, col] = n
    return counts

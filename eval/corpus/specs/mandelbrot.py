import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, py_rng

FUNCTION = "mandelbrot"
GROUP = "numpy-loops"
MAX_ITER = 80
# width = height = n, up to 80 iterations per pixel. O(n^2 * iterations)
SIZES = {"small": 7, "medium": 69, "large": 310}


def make_inputs(size, seed):
    r = py_rng(seed)
    dx = r.uniform(-0.05, 0.05)
    dy = r.uniform(-0.05, 0.05)
    return (-2.0 + dx, 0.6 + dx, -1.2 + dy, 1.2 + dy, size, size, MAX_ITER)


def _ref(xmin, xmax, ymin, ymax, width, height, max_iter):
    cx, cy = np.meshgrid(np.linspace(xmin, xmax, width), np.linspace(ymin, ymax, height))
    zr = np.zeros_like(cx)
    zi = np.zeros_like(cx)
    counts = np.zeros(cx.shape, dtype=np.int64)
    for _ in range(max_iter):
        active = zr * zr + zi * zi <= 4.0
        zr, zi = (np.where(active, zr * zr - zi * zi + cx, zr),
                  np.where(active, 2.0 * zr * zi + cy, zi))
        counts += active
    return counts


def oracle(candidate, original):
    cases = [
        ("random 12x12", make_inputs(12, 1320)),
        ("rectangular 9x5", (-2.0, 1.0, -1.0, 1.0, 9, 5, 30)),
        ("seahorse valley zoom", (-0.76, -0.74, 0.09, 0.11, 7, 6, 200)),
        ("1x1", (-0.5, 0.5, 0.0, 0.0, 1, 1, 50)),
        ("max_iter 0", (-2.0, 1.0, -1.0, 1.0, 4, 3, 0)),
        ("empty width", (-2.0, 1.0, -1.0, 1.0, 0, 3, 10)),
        ("int bounds", (-2, 1, -1, 1, 6, 4, 20)),
    ]
    outs = compare_all(candidate, original, cases, rtol=0.0, atol=0.0)
    for k in (0, 1, 3, 4, 6):
        label, args = cases[k]
        o = expect_ok(outs[k], label)
        assert_close_ref(o.result, _ref(*args), f"mandelbrot {label}", rtol=0, atol=0)

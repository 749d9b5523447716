import math

from trapezoid import trapezoid


def test_trapezoid_sine():
    assert abs(trapezoid(math.sin, 0.0, math.pi, 1000) - 2.0) < 1e-5


def test_trapezoid_linear_is_exact():
    assert abs(trapezoid(lambda x: 3.0 * x + 1.0, 0.0, 2.0, 7) - 8.0) < 1e-12

"""Numerical integration of a user-supplied function."""


def trapezoid(f, a, b, n):
    """Composite trapezoid rule for the integral of the callable ``f`` over [a, b] with ``n``
    panels; ``f`` is called once per node, left to right."""
    h = (b - a) / n
    total = 0.5 * f(a)
    for i in range(1, n):
        total += f(a + i * h)
    total += 0.5 * f(b)
    return total * h

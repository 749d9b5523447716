"""Polynomial evaluation at many points (Horner's scheme)."""


def horner(coeffs, xs):
    """Evaluate the polynomial with coefficients ``coeffs`` (highest degree first) at every x
    in ``xs``; returns a list."""
    out = []
    for x in xs:
        acc = 0.0
        for c in coeffs:
            acc = acc * x + c
        out.append(acc)
    return out

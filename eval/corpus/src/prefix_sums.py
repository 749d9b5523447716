"""Cumulative totals of a series."""


def prefix_sums(values):
    """Return the running totals of ``values`` (ints stay ints, floats stay floats)."""
    out = []
    total = 0
    for v in values:
        total = total + v
        out.append(total)
    return out

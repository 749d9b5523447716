"""Single-pass mean and variance (Welford's online algorithm)."""


def welford(values):
    """Return (mean, sample variance) of ``values`` in one pass. The variance of fewer than
    two values is 0.0; the mean of no values is 0.0."""
    count = 0
    mean = 0.0
    m2 = 0.0
    for x in values:
        count += 1
        delta = x - mean
        mean += delta / count
        m2 += delta * (x - mean)
    if count < 2:
        return mean, 0.0
    return mean, m2 / (count - 1)

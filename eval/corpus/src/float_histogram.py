"""Fixed-width histogram of measurements."""


def float_histogram(values, lo, hi, nbins):
    """Count ``values`` into ``nbins`` equal bins over [lo, hi]. Values outside the range (and
    NaN) are skipped; a value equal to ``hi`` goes into the last bin. Returns a list of ints."""
    counts = [0] * nbins
    width = (hi - lo) / nbins
    for v in values:
        if v < lo or v > hi or v != v:
            continue
        idx = int((v - lo) / width)
        if idx >= nbins:
            idx = nbins - 1
        counts[idx] += 1
    return counts

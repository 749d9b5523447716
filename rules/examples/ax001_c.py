def histogram(values, lo, hi, bins: int):
    counts = [0] * bins
    width = (hi - lo) / bins
    for v in values:
        k = int((v - lo) / width)
        if 0 <= k < bins:
            counts[k] += 1
    return counts

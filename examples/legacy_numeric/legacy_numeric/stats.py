"""Descriptive statistics and a few integer helpers for the reporting jobs."""


def histogram_counts(values: list[float], lo: float, hi: float, bins: int) -> list[int]:
    """Count values into `bins` equal-width bins over [lo, hi]; out-of-range values are dropped."""
    counts = [0] * bins
    width = (hi - lo) / bins
    for v in values:
        if v < lo or v > hi:
            continue
        idx = int((v - lo) / width)
        if idx == bins:
            idx = bins - 1
        counts[idx] += 1
    return counts


def mean_variance(values):
    """Population mean and variance as a (mean, variance) tuple."""
    n = len(values)
    total = 0.0
    for v in values:
        total += v
    mean = total / n
    acc = 0.0
    for v in values:
        diff = v - mean
        acc += diff * diff
    return mean, acc / n


def sum_of_squares(values: list[float]) -> float:
    """Sum of v**2 over the list."""
    total = 0.0
    for v in values:
        total += v ** 2
    return total


def dot_int(a: list[int], b: list[int]) -> int:
    """Exact integer dot product (used for checksum-style fingerprints)."""
    total = 0
    for i in range(len(a)):
        total += a[i] * b[i]
    return total


def polyval_many(coeffs, xs):
    """Evaluate a polynomial (highest power first) at every x using Horner's rule."""
    out = []
    for x in xs:
        acc = 0.0
        for c in coeffs:
            acc = acc * x + c
        out.append(acc)
    return out


def sieve_primes(limit: int) -> list[int]:
    """All primes <= limit (sieve of Eratosthenes)."""
    if limit < 2:
        return []
    is_prime = [True] * (limit + 1)
    is_prime[0] = False
    is_prime[1] = False
    p = 2
    while p * p <= limit:
        if is_prime[p]:
            for multiple in range(p * p, limit + 1, p):
                is_prime[multiple] = False
        p += 1
    primes = []
    for i in range(limit + 1):
        if is_prime[i]:
            primes.append(i)
    return primes


def print_histogram(counts, labels):
    """Pretty-print a text bar chart, one line per bin."""
    widest = max(counts) if counts else 0
    for label, count in zip(labels, counts):
        bar = "#" * (count * 40 // widest if widest else 0)
        print("%-12s %6d %s" % (label, count, bar))


def summarise_by_label(records):
    """Group (label, value) records into {label: {"n": .., "mean": ..}}."""
    groups = {}
    for label, value in records:
        entry = groups.setdefault(label, {"n": 0, "sum": 0.0})
        entry["n"] += 1
        entry["sum"] += value
    summary = {}
    for label in sorted(groups):
        entry = groups[label]
        summary[label] = {"n": entry["n"], "mean": entry["sum"] / entry["n"]}
    return summary

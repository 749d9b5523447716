"""1-D signal utilities for sensor time series.

Everything here works on plain Python lists so that the notebooks can
call it without converting their CSV rows first.
"""
import math


def moving_average(values: list[float], window: int) -> list[float]:
    """Trailing moving average; the result has len(values) - window + 1 entries."""
    if window < 1:
        raise ValueError("window must be a positive integer")
    result = []
    for start in range(len(values) - window + 1):
        acc = 0.0
        for offset in range(window):
            acc += values[start + offset]
        result.append(acc / window)
    return result


def smooth_three_point(samples):
    """Apply the [0.25, 0.5, 0.25] stencil; the two end points are copied unchanged."""
    n = len(samples)
    out = [0.0] * n
    if n == 0:
        return out
    out[0] = samples[0]
    out[n - 1] = samples[n - 1]
    for i in range(1, n - 1):
        out[i] = 0.25 * samples[i - 1] + 0.5 * samples[i] + 0.25 * samples[i + 1]
    return out


def prefix_sums(values: list[float]) -> list[float]:
    """Running total of the series (inclusive scan), always as floats."""
    totals = []
    running = 0.0
    for v in values:
        running = running + v
        totals.append(running)
    return totals


def cumulative_max(readings):
    """Highest reading seen so far at each position (a 'high-water mark')."""
    current = readings[0]
    marks = []
    for r in readings:
        if r > current:
            current = r
        marks.append(current)
    return marks


def exp_normalise(scores: list[float]) -> list[float]:
    """Softmax of a score vector, shifted by the maximum for stability."""
    top = max(scores)
    weights = []
    for s in scores:
        weights.append(math.exp(s - top))
    total = 0.0
    for w in weights:
        total += w
    return [w / total for w in weights]


def clip_values(values, lower, upper):
    """Clamp every value into [lower, upper]; returns a new list."""
    clipped = []
    for v in values:
        clipped.append(min(max(v, lower), upper))
    return clipped


def normalise_in_place(values: list[float]) -> None:
    """Scale the list to unit Euclidean length, modifying it in place."""
    total = 0.0
    for v in values:
        total += v * v
    norm = math.sqrt(total)
    for i in range(len(values)):
        values[i] = values[i] / norm


def load_series(path):
    """Read one float per line from a text file, skipping blanks and # comments."""
    series = []
    with open(path, "r", encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            series.append(float(line))
    return series

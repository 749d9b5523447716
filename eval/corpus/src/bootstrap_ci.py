"""Bootstrap confidence interval of the mean, with progress output."""
import random


def bootstrap_ci(values, n_resamples, seed):
    """95% percentile-bootstrap interval (lo, hi) for the mean of ``values``.

    Seeds the global ``random`` generator with ``seed`` and prints a progress line every 100
    resamples."""
    random.seed(seed)
    n = len(values)
    means = []
    for b in range(n_resamples):
        total = 0.0
        for _ in range(n):
            total += values[random.randrange(n)]
        means.append(total / n)
        if (b + 1) % 100 == 0:
            print("resample %d/%d" % (b + 1, n_resamples))
    means.sort()
    lo = means[int(0.025 * (n_resamples - 1))]
    hi = means[int(0.975 * (n_resamples - 1))]
    return lo, hi

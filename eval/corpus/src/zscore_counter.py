"""Standard scores, with module-level usage statistics for the monitoring dashboard."""
import math

CALLS = 0
VALUES_SEEN = 0
LAST_SCALE = None


def zscore_counter(values):
    """Return the z-scores of ``values`` (population standard deviation; all zeros when the
    values are constant). Updates the module counters CALLS, VALUES_SEEN and LAST_SCALE."""
    global CALLS, VALUES_SEEN, LAST_SCALE
    CALLS += 1
    VALUES_SEEN += len(values)
    n = len(values)
    mean = 0.0
    for v in values:
        mean += v
    mean /= n
    var = 0.0
    for v in values:
        var += (v - mean) * (v - mean)
    std = math.sqrt(var / n)
    LAST_SCALE = std
    out = []
    for v in values:
        out.append((v - mean) / std if std > 0.0 else 0.0)
    return out

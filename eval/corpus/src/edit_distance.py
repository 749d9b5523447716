"""Levenshtein distance between two strings."""


def edit_distance(a, b):
    """Minimum number of single-character insertions, deletions and substitutions that turn
    string ``a`` into string ``b``."""
    n = len(a)
    m = len(b)
    prev = list(range(m + 1))
    cur = [0] * (m + 1)
    for i in range(1, n + 1):
        cur[0] = i
        ca = a[i - 1]
        for j in range(1, m + 1):
            cost = 0 if ca == b[j - 1] else 1
            best = prev[j] + 1
            if cur[j - 1] + 1 < best:
                best = cur[j - 1] + 1
            if prev[j - 1] + cost < best:
                best = prev[j - 1] + cost
            cur[j] = best
        prev, cur = cur, prev
    return prev[m]

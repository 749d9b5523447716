def best_pair(xs, lo):
    """The largest product of two elements, or `lo` where none is larger. An int `lo` that wins
    comes back as that int in Python; compiled, it would come back unified with the floats
    (5.0), so the fast path takes `lo` only as a float."""
    b = lo
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            b = max(b, xs[i] * xs[j])
    return b

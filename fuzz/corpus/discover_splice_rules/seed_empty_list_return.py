def pos(xs):
    if not xs:
        return []
    res = [0] * len(xs)
    for i in range(len(xs)):
        res[i] = max(xs[i], 0)
    return res

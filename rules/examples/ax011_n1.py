# no_fire: the appended value depends on the previous iteration
def running_max(xs):
    out = []
    best = xs[0]
    for x in xs:
        best = max(best, x)
        out.append(best)
    return out

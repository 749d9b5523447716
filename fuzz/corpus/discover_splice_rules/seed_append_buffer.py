def evens(xs):
    out = []
    for x in xs:
        if x % 2 == 0:
            out.append(x * 3)
    if len(out) == 0:
        return []
    return out

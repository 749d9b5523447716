square = lambda x: x * x

def apply_all(xs, fs=(lambda v: v + 1, lambda v: v * 2)):
    out = []
    for x in xs:
        for f in fs:
            x = f(x)
        out.append(x)
    return out

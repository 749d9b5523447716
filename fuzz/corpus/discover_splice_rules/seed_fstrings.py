def label(xs):
    out = []
    for i, x in enumerate(xs):
        out.append(f"{i}: {x * 2:.3f}")
    return out

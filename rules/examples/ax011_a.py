def rescale(xs, scale, shift):
    out = []
    for x in xs:
        out.append(x * scale + shift)
    return out

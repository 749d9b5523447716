def f(xs):
    out = []
    for x in xs:
        out.append(x * 2.0)
    res = [0.0] * len(out)
    for i in range(len(out)):
        res[i] = xs[i] * 2.0
    return res

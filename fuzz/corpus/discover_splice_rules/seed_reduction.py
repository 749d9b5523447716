def total(xs):
    t = 0.0
    for x in xs:
        t += x * x
    return t

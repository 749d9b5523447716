def f(xs, *rest):
    t = 0
    for x in xs:
        if (y := x * 2) > 3:
            t += y
    a, *b = xs
    return t

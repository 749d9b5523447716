def f(xs):
    for x in xs:
        x += 1
def gen(xs):
    for x in xs:
        yield x * 2

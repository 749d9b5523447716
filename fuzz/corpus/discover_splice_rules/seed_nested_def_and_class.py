def outer(xs):
    def inner(v):
        return v * 2
    class Local:
        pass
    return [inner(x) for x in xs]

def f(xs):
    t = 0.0
    for x in xs:
        t += x
    return t

class C:
    def m(self, a):
        return [v * 2 for v in a]

def f(xs): return [x * 2 for x in xs]
def g(xs): t = 0; return sum(x * x for x in xs)
class C:
    def m(self, a): return [v - 1 for v in a]

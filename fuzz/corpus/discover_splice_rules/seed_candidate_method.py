import math

def m(self, a):
    t = 0.0
    for v in a:
        t += v * v
    return t

def s(a):
    return sum(math.sqrt(v) for v in a)

@classmethod
def c(cls, a):
    return [v + 1 for v in a]

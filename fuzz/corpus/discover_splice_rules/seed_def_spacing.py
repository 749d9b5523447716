def  σ(xs):
    t = 0
    for x in xs:
        t += x
    return t

def \
 f(xs):
    return [x * 2.0 for x in xs]

def	g(xs):
    s = 0.0
    for x in xs:
        s += x
    return s

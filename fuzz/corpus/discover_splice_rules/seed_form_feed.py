def total(xs):
    t = 0.0
    for x in xs:
        t += x * x
    return t

def dbl(xs):
    out = []
      for x in xs:
        out.append(x * 2.0)
    return out

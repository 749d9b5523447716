# no_fire: loop-carried dependency (acc is read after it is updated)
def running_total(xs):
    out = [0.0] * len(xs)
    acc = 0.0
    for i in range(len(xs)):
        acc += xs[i]
        out[i] = acc
    return out

import math

def scale(xs, k):
    out = [0.0] * len(xs)
    for i in range(len(xs)):
        out[i] = math.sqrt(xs[i]) * k
    return out

import math


def magnitudes(xs, ys):
    return [math.sqrt(x * x + y * y) for x, y in zip(xs, ys)]

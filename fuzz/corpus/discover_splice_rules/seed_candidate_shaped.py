import numpy as _np

def _helper(a):
    return a * 2

def f(xs, n):
    return list(_helper(_np.asarray(xs[:n], dtype=float)))

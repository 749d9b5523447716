import functools
from numba import njit

@functools.lru_cache(maxsize=None)
def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a

@njit
def already(xs):
    s = 0
    for x in xs:
        s += x
    return s

@property
def weird(self):
    return [i * 2 for i in range(10)]

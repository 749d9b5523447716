def f(xs, n=10, *args, scale=1.5, **kw):
    t = 0.0
    for i in range(n):
        t += xs[i] * scale
    return t

def g(a, /, b, *, c=2):
    for i in range(b):
        a[i] = a[i] // c
    return a

    def f(xs, n):
        out = [0.0] * n
        for i in range(n):
            out[i] = xs[i] + 1.0
        return out

def moving_average(values, window):
    n = len(values)
    out = [0.0] * (n - window + 1)
    for i in range(n - window + 1):
        s = 0.0
        for j in range(window):
            s += values[i + j]
        out[i] = s / window
    return out

def moving_average(xs, w):
    out = []
    for i in range(len(xs) - w + 1):
        s = 0.0
        for j in range(w):
            s += xs[i + j]
        out.append(s / w)
    return out

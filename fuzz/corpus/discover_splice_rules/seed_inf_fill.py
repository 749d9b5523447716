import math

def mins(m, n):
    best = [float('inf')] * n
    for i in range(n):
        for v in m[i]:
            if v < best[i]:
                best[i] = v
    return best

def maxs(m, n):
    best = [-math.inf] * n
    for i in range(n):
        for v in m[i]:
            best[i] = max(best[i], v)
    return best

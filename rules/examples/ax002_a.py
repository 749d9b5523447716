import math


def pairwise(points):
    n = len(points)
    out = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            dx = points[i][0] - points[j][0]
            dy = points[i][1] - points[j][1]
            out[i][j] = math.sqrt(dx * dx + dy * dy)
    return out

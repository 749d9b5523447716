import math


def row_norms(matrix):
    n = len(matrix)
    out = [0.0] * n
    for i in range(n):
        s = 0.0
        for j in range(len(matrix[i])):
            s += matrix[i][j] * matrix[i][j]
        out[i] = math.sqrt(s)
    return out

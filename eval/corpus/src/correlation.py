"""Pearson correlation matrix; standardizes the table in place on the way."""
import math

EPS = 1e-10


def correlation(data):
    """data: n observations x m variables (nested lists of floats).

    The columns of ``data`` are centred and scaled in place (so that column i dotted with
    column j is the correlation), and the m x m correlation matrix is returned. Columns with
    (almost) zero spread are only centred.
    """
    n = len(data)
    m = len(data[0])
    float_n = float(n)

    mean = [0.0] * m
    for j in range(m):
        for i in range(n):
            mean[j] += data[i][j]
        mean[j] /= float_n

    stddev = [0.0] * m
    for j in range(m):
        for i in range(n):
            stddev[j] += (data[i][j] - mean[j]) * (data[i][j] - mean[j])
        stddev[j] /= float_n
        stddev[j] = math.sqrt(stddev[j])
        if stddev[j] <= EPS:
            stddev[j] = 1.0

    for i in range(n):
        for j in range(m):
            data[i][j] -= mean[j]
            data[i][j] /= math.sqrt(float_n) * stddev[j]

    corr = [[0.0] * m for _ in range(m)]
    for i in range(m):
        corr[i][i] = 1.0
        for j in range(i + 1, m):
            acc = 0.0
            for k in range(n):
                acc += data[k][i] * data[k][j]
            corr[i][j] = acc
            corr[j][i] = acc
    return corr

"""Sample covariance matrix of a table of observations."""


def covariance(data):
    """data has one row per observation and one column per variable.

    Returns the m x m sample covariance matrix (denominator n - 1) as nested lists.
    """
    n = len(data)
    m = len(data[0])
    mean = [0.0] * m
    for j in range(m):
        for i in range(n):
            mean[j] += data[i][j]
        mean[j] /= n

    cov = [[0.0] * m for _ in range(m)]
    for i in range(m):
        for j in range(i, m):
            s = 0.0
            for k in range(n):
                s += (data[k][i] - mean[i]) * (data[k][j] - mean[j])
            s /= (n - 1.0)
            cov[i][j] = s
            cov[j][i] = s
    return cov

"""Two chained matrix multiplications (2mm)."""


def two_mm(alpha, beta, A, B, C, D):
    """D := alpha * A B C + beta * D, in place. A is ni x nk, B nk x nj, C nj x nl, D ni x nl."""
    ni = len(A)
    nk = len(B)
    nj = len(C)
    nl = len(C[0]) if nj > 0 else 0
    tmp = [[0.0] * nj for _ in range(ni)]
    for i in range(ni):
        for j in range(nj):
            for k in range(nk):
                tmp[i][j] += alpha * A[i][k] * B[k][j]
    for i in range(ni):
        for j in range(nl):
            D[i][j] *= beta
            for k in range(nj):
                D[i][j] += tmp[i][k] * C[k][j]

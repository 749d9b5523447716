"""Dense matrix-matrix update used by the scoring pipeline."""


def gemm(alpha, beta, C, A, B):
    """C := alpha * A @ B + beta * C, computed in place.

    A is ni x nk, B is nk x nj and C is ni x nj, all nested lists of numbers.
    """
    ni = len(C)
    nk = len(B)
    for i in range(ni):
        nj = len(C[i])
        for j in range(nj):
            C[i][j] *= beta
        for k in range(nk):
            temp = alpha * A[i][k]
            for j in range(nj):
                C[i][j] += temp * B[k][j]

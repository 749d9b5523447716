"""PolyBench-shaped kernels over NumPy arrays, written as loops (the NumPy-loop style of legacy
code): what `scripts/gpu_check.sh` runs AX012 (CPU) and AX020 (CuPy) on. The list versions of
the same kernels are in eval/corpus/src/; AX012 and AX020 take ndarrays only."""
import numpy as np


def gemm(alpha, beta, C, A, B):
    ni, nj = C.shape
    nk = A.shape[1]
    for i in range(ni):
        for j in range(nj):
            C[i, j] *= beta
            for k in range(nk):
                C[i, j] += alpha * A[i, k] * B[k, j]


def two_mm(alpha, beta, A, B, C, D):
    ni, nk = A.shape
    nj = B.shape[1]
    nl = C.shape[1]
    tmp = np.zeros((ni, nj))
    for i in range(ni):
        for j in range(nj):
            for k in range(nk):
                tmp[i, j] += alpha * A[i, k] * B[k, j]
    for i in range(ni):
        for j in range(nl):
            D[i, j] *= beta
            for k in range(nj):
                D[i, j] += tmp[i, k] * C[k, j]


def three_mm(A, B, C, D):
    ni, nk = A.shape
    nj = B.shape[1]
    nm = C.shape[1]
    nl = D.shape[1]
    E = np.zeros((ni, nj))
    for i in range(ni):
        for j in range(nj):
            for k in range(nk):
                E[i, j] += A[i, k] * B[k, j]
    F = np.zeros((nj, nl))
    for i in range(nj):
        for j in range(nl):
            for k in range(nm):
                F[i, j] += C[i, k] * D[k, j]
    G = np.zeros((ni, nl))
    for i in range(ni):
        for j in range(nl):
            for k in range(nj):
                G[i, j] += E[i, k] * F[k, j]
    return G


def atax(A, x):
    m, n = A.shape
    tmp = np.zeros(m)
    y = np.zeros(n)
    for i in range(m):
        for j in range(n):
            tmp[i] += A[i, j] * x[j]
    for i in range(m):
        for j in range(n):
            y[j] += A[i, j] * tmp[i]
    return y


def mvt(A, x1, x2, y1, y2):
    n = A.shape[0]
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += A[i, j] * y1[j]
        x1[i] = x1[i] + s
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += A[j, i] * y2[j]
        x2[i] = x2[i] + s


def gesummv(alpha, beta, A, B, x):
    n = A.shape[0]
    y = np.zeros(n)
    for i in range(n):
        s = 0.0
        t = 0.0
        for j in range(n):
            s += A[i, j] * x[j]
        for j in range(n):
            t += B[i, j] * x[j]
        y[i] = alpha * s + beta * t
    return y


def doitgen(A, C4):
    nr, nq, npp = A.shape
    out = np.zeros((nr, nq, npp))
    for r in range(nr):
        for q in range(nq):
            for p in range(npp):
                for s in range(npp):
                    out[r, q, p] += A[r, q, s] * C4[s, p]
    return out


def syr2k_full(alpha, beta, C, A, B):
    n, m = A.shape
    for i in range(n):
        for j in range(n):
            C[i, j] *= beta
            for k in range(m):
                C[i, j] += A[j, k] * alpha * B[i, k] + B[j, k] * alpha * A[i, k]

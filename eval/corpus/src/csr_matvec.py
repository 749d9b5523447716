"""Sparse matrix (CSR) times dense vector."""
import numpy as np


def csr_matvec(data, indices, indptr, x):
    """y = A x for A given in compressed-sparse-row form (data, indices, indptr) as numpy
    arrays. Returns a float64 array with one entry per row."""
    n_rows = len(indptr) - 1
    y = np.zeros(n_rows)
    for row in range(n_rows):
        acc = 0.0
        for jj in range(indptr[row], indptr[row + 1]):
            acc += data[jj] * x[indices[jj]]
        y[row] = acc
    return y

import numpy as np

from csr_matvec import csr_matvec


def test_csr_matvec_matches_dense():
    dense = np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [0.0, 3.0, 4.0]])
    data = np.array([1.0, 2.0, 3.0, 4.0])
    indices = np.array([0, 2, 1, 2], dtype=np.int64)
    indptr = np.array([0, 2, 2, 4], dtype=np.int64)
    x = np.array([1.0, -1.0, 0.5])
    y = csr_matvec(data, indices, indptr, x)
    assert y.dtype == np.float64
    np.testing.assert_allclose(y, dense @ x)

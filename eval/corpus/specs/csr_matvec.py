import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, np_rng

FUNCTION = "csr_matvec"
GROUP = "numpy-loops"
NNZ_PER_ROW = 8
# n x n sparse matrix with ~8 nonzeros per row. O(nnz)
SIZES = {"small": 200, "medium": 16000, "large": 310000}


def _csr(rng, n_rows, n_cols, per_row, index_dtype=np.int64):
    data, indices, indptr = [], [], [0]
    for _ in range(n_rows):
        k = int(rng.integers(0, 2 * per_row + 1)) if n_cols else 0
        cols = np.sort(rng.choice(n_cols, size=min(k, n_cols), replace=False)) if n_cols else []
        indices.extend(int(c) for c in cols)
        data.extend(rng.uniform(-1.0, 1.0, size=len(cols)).tolist())
        indptr.append(len(indices))
    return (np.array(data, dtype=np.float64), np.array(indices, dtype=index_dtype),
            np.array(indptr, dtype=index_dtype))


def make_inputs(size, seed):
    rng = np_rng(seed)
    data, indices, indptr = _csr(rng, size, size, NNZ_PER_ROW)
    return (data, indices, indptr, rng.uniform(-1.0, 1.0, size=size))


def _dense(data, indices, indptr, n_cols):
    M = np.zeros((len(indptr) - 1, n_cols))
    for row in range(len(indptr) - 1):
        for jj in range(indptr[row], indptr[row + 1]):
            M[row, indices[jj]] += data[jj]
    return M


def oracle(candidate, original):
    rng = np_rng(1300)
    nan_x = make_inputs(6, 1301)
    nan_x[3][2] = np.nan
    rect = _csr(rng, 5, 9, 3, index_dtype=np.int32)
    cases = [
        ("random 10x10", make_inputs(10, 1302)),
        ("random 50x50", make_inputs(50, 1303)),
        ("5x9, int32 indices", (*rect, rng.uniform(-1, 1, size=9))),
        ("no rows", (np.zeros(0), np.zeros(0, dtype=np.int64), np.array([0], dtype=np.int64),
                     np.ones(3))),
        ("all rows empty", (np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(4, dtype=np.int64),
                            np.ones(2))),
        ("NaN in x", nan_x),
        ("duplicate column indices", (np.array([1.0, 2.0, 4.0]), np.array([0, 0, 1]),
                                      np.array([0, 2, 3]), np.array([1.0, 10.0]))),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 2, 6):
        label, (data, indices, indptr, x) = cases[k]
        o = expect_ok(outs[k], label)
        assert_close_ref(o.result, _dense(data, indices, indptr, len(x)) @ x, f"csr_matvec {label}")

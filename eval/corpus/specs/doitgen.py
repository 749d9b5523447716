import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, float_matrix, int_matrix, py_rng

FUNCTION = "doitgen"
GROUP = "polybench"
# nr = nq = n, np = n + 2. O(n^4)
SIZES = {"small": 7, "medium": 29, "large": 62}


def _tensor(r, nr, nq, np_):
    return [float_matrix(r, nq, np_) for _ in range(nr)]


def make_inputs(size, seed):
    r = py_rng(seed)
    np_ = size + 2
    return (_tensor(r, size, size, np_), float_matrix(r, np_, np_))


def oracle(candidate, original):
    r = py_rng(1220)
    nan_case = make_inputs(3, 1221)
    nan_case[0][1][2][0] = float("nan")
    cases = [
        ("random 5", make_inputs(5, 1222)),
        ("random 3x4x6", (_tensor(r, 3, 4, 6), float_matrix(r, 6, 6))),
        ("np=1", (_tensor(r, 2, 2, 1), [[3.0]])),
        ("identity", (_tensor(r, 2, 3, 3), [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])),
        ("NaN", nan_case),
        ("ints", ([int_matrix(r, 2, 3) for _ in range(2)], int_matrix(r, 3, 3))),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 2, 3, 5):
        label, (A, C4) = cases[k]
        o = expect_ok(outs[k], label)
        assert_close_ref(o.args[0], np.asarray(A, float) @ np.asarray(C4, float), f"doitgen {label}")

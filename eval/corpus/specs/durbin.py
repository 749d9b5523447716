import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, py_rng

FUNCTION = "durbin"
GROUP = "polybench"
# length n. O(n^2)
SIZES = {"small": 70, "medium": 830, "large": 3700}


def _autocorr(r, n):
    # c * rho^(k+1): the Toeplitz matrix is (1 - c) I + c * AR(1) correlation, positive definite
    rho = r.uniform(-0.8, 0.8)
    c = r.uniform(0.3, 0.9)
    return [c * rho ** (k + 1) for k in range(n)]


def make_inputs(size, seed):
    return (_autocorr(py_rng(seed), size),)


def _ref(rr):
    n = len(rr)
    col = np.concatenate([[1.0], np.asarray(rr[:n - 1], float)])
    T = np.array([[col[abs(i - j)] for j in range(n)] for i in range(n)])
    return np.linalg.solve(T, -np.asarray(rr, float))


def oracle(candidate, original):
    cases = [
        ("random n=12", make_inputs(12, 1211)),
        ("random n=60", make_inputs(60, 1212)),
        ("n=1", ([0.5],)),
        ("n=2", ([0.5, 0.2],)),
        ("empty", ([],)),
        ("zeros", ([0.0] * 6,)),
        ("rational-looking", ([0.25, -0.125, 0.0625, 0.0],)),
        ("|r0| = 1 (singular: division by zero)", ([1.0, 0.5, 0.25],)),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 2, 3, 5, 6):
        label, (rr,) = cases[k]
        o = expect_ok(outs[k], label)
        assert_close_ref(o.result, _ref(rr), f"durbin {label}")

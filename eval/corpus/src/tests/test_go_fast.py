import numpy as np

from go_fast import go_fast


def test_go_fast_shift():
    a = np.arange(12, dtype=np.float64).reshape(3, 4) / 10.0
    out = go_fast(a)
    np.testing.assert_allclose(out, a + np.tanh(a).sum())

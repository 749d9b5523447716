from trisolv import trisolv


def test_trisolv():
    L = [[2.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.5, -1.0, 4.0]]
    x = trisolv(L, [2.0, 3.0, 3.5])
    assert x == [1.0, 2.0, 1.25]

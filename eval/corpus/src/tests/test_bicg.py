from bicg import bicg


def test_bicg():
    A = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    p = [1.0, 0.5]
    r = [1.0, 0.0, -1.0]
    s, q = bicg(A, p, r)
    assert s == [-4.0, -4.0]
    assert q == [2.0, 5.0, 8.0]

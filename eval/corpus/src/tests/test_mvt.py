from mvt import mvt


def test_mvt_accumulates():
    A = [[1.0, 2.0], [3.0, 4.0]]
    x1 = [1.0, 1.0]
    x2 = [0.0, 0.5]
    mvt(A, x1, x2, [1.0, 1.0], [2.0, 0.0])
    assert x1 == [4.0, 8.0]
    assert x2 == [2.0, 4.5]

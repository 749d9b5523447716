from doitgen import doitgen


def test_doitgen_permutation():
    A = [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]
    C4 = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    doitgen(A, C4)
    assert A == [[[3.0, 1.0, 2.0], [6.0, 4.0, 5.0]]]

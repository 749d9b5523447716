from lu import lu


def test_lu_two_by_two():
    A = [[4.0, 3.0], [6.0, 3.0]]
    lu(A)
    assert A == [[4.0, 3.0], [1.5, -1.5]]

from atax import atax


def test_atax_rectangular():
    A = [[1.0, 2.0, 0.0], [0.0, 1.0, 1.0]]
    x = [1.0, 1.0, 1.0]
    # A x = [3, 2]; A^T [3, 2] = [3, 8, 2]
    assert atax(A, x) == [3.0, 8.0, 2.0]

from two_mm import two_mm


def test_two_mm():
    A = [[1.0, 0.0], [0.0, 2.0]]
    B = [[1.0, 1.0], [0.0, 1.0]]
    C = [[1.0], [2.0]]
    D = [[1.0], [1.0]]
    two_mm(1.0, 0.5, A, B, C, D)
    assert D == [[3.5], [4.5]]

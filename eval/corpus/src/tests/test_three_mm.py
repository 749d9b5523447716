from three_mm import three_mm


def test_three_mm():
    I = [[1.0, 0.0], [0.0, 1.0]]
    A = [[1.0, 2.0], [3.0, 4.0]]
    assert three_mm(A, I, I, I) == A
    assert three_mm(I, A, A, I) == [[7.0, 10.0], [15.0, 22.0]]

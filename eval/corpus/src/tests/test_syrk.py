from syrk import syrk


def test_syrk_lower_triangle_only():
    A = [[1.0, 2.0], [0.0, 1.0], [1.0, 1.0]]
    C = [[1.0, 7.0, 7.0], [1.0, 1.0, 7.0], [1.0, 1.0, 1.0]]
    syrk(1.0, 2.0, C, A)
    assert C == [[7.0, 7.0, 7.0], [4.0, 3.0, 7.0], [5.0, 3.0, 4.0]]

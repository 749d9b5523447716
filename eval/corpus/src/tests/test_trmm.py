from trmm import trmm


def test_trmm_unit_lower():
    A = [[1.0, 0.0, 0.0], [2.0, 1.0, 0.0], [3.0, 4.0, 1.0]]
    B = [[1.0, 1.0], [1.0, 0.0], [0.0, 1.0]]
    trmm(0.5, A, B)
    # B := alpha * (I + strictly_lower(A))^T B
    assert B == [[1.5, 2.0], [0.5, 2.0], [0.0, 0.5]]

from gesummv import gesummv


def test_gesummv():
    A = [[1.0, 2.0], [3.0, 4.0]]
    B = [[0.0, 1.0], [1.0, 0.0]]
    x = [1.0, -1.0]
    y = gesummv(2.0, 3.0, A, B, x)
    assert y == [2.0 * -1.0 + 3.0 * -1.0, 2.0 * -1.0 + 3.0 * 1.0]

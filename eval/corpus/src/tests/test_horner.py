from horner import horner


def test_horner():
    # 2x^2 - 3x + 1
    assert horner([2.0, -3.0, 1.0], [0.0, 1.0, 2.0, 0.5]) == [1.0, 0.0, 3.0, 0.0]

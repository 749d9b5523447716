from float_histogram import float_histogram


def test_float_histogram():
    values = [0.0, 0.1, 0.5, 0.99, 1.0, 1.5, -0.2, float("nan")]
    assert float_histogram(values, 0.0, 1.0, 4) == [2, 0, 1, 2]

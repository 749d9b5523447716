from prefix_sums import prefix_sums


def test_prefix_sums_ints_and_floats():
    assert prefix_sums([3, 1, 4, 1, 5]) == [3, 4, 8, 9, 14]
    assert prefix_sums([0.5, 0.25, -1.0]) == [0.5, 0.75, -0.25]
    assert prefix_sums([]) == []

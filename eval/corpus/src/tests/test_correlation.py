from correlation import correlation


def test_correlation_perfect_and_anti():
    data = [[1.0, 2.0, 5.0], [2.0, 4.0, 3.0], [3.0, 6.0, 1.0]]
    corr = correlation(data)
    assert abs(corr[0][1] - 1.0) < 1e-12
    assert abs(corr[0][2] + 1.0) < 1e-12
    assert corr[2][2] == 1.0
    # the table was standardised in place
    assert abs(sum(row[0] for row in data)) < 1e-12

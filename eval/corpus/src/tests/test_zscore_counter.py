import zscore_counter as zs


def test_zscore_and_counters():
    before = zs.CALLS
    out = zs.zscore_counter([1.0, 2.0, 3.0])
    assert abs(out[0] + 1.224744871391589) < 1e-12
    assert out[1] == 0.0
    assert zs.CALLS == before + 1
    assert zs.zscore_counter([5.0, 5.0]) == [0.0, 0.0]
    assert zs.LAST_SCALE == 0.0

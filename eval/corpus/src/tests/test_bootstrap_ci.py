from bootstrap_ci import bootstrap_ci


def test_bootstrap_ci(capsys):
    values = [float(v) for v in range(20)]
    lo, hi = bootstrap_ci(values, 200, seed=7)
    assert lo < 9.5 < hi
    assert "resample 200/200" in capsys.readouterr().out
    assert bootstrap_ci(values, 200, seed=7) == (lo, hi)

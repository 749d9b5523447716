import math
import random

from legacy_numeric import stats


def _values(n, seed):
    rng = random.Random(seed)
    return [rng.uniform(0.0, 100.0) for _ in range(n)]


def test_histogram_counts():
    assert stats.histogram_counts([0.0, 0.5, 1.0, 2.0, -1.0], 0.0, 1.0, 2) == [1, 2]
    counts = stats.histogram_counts(_values(1000, 1), 0.0, 100.0, 20)
    assert sum(counts) == 1000 and len(counts) == 20


def test_mean_variance():
    mean, var = stats.mean_variance([1.0, 2.0, 3.0, 4.0])
    assert mean == 2.5 and var == 1.25
    mean, var = stats.mean_variance(_values(800, 2))
    assert 0.0 < mean < 100.0 and var > 0.0


def test_sum_of_squares():
    assert stats.sum_of_squares([1.0, 2.0, 2.0]) == 9.0
    assert stats.sum_of_squares(_values(700, 3)) > 0.0


def test_dot_int_exact_bigints():
    a = [2 ** 62, 3, -(2 ** 40)]
    b = [4, 5, 2 ** 30]
    assert stats.dot_int(a, b) == 2 ** 64 + 15 - 2 ** 70
    rng = random.Random(4)
    xs = [rng.randrange(-1000, 1000) for _ in range(500)]
    ys = [rng.randrange(-1000, 1000) for _ in range(500)]
    assert stats.dot_int(xs, ys) == sum(x * y for x, y in zip(xs, ys))


def test_polyval_many():
    assert stats.polyval_many([1.0, -3.0, 2.0], [0.0, 1.0, 2.0, 3.0]) == [2.0, 0.0, 0.0, 2.0]
    xs = [i / 100.0 for i in range(500)]
    assert len(stats.polyval_many([0.5, -1.0, 2.0, 0.25, 3.0], xs)) == 500


def test_sieve_primes():
    assert stats.sieve_primes(1) == []
    assert stats.sieve_primes(30) == [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
    assert len(stats.sieve_primes(5000)) == 669


def test_print_histogram(capsys):
    stats.print_histogram([1, 4, 2], ["low", "mid", "high"])
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and out[1].endswith("#" * 40)


def test_summarise_by_label():
    records = [("north", 1.0), ("south", 4.0), ("north", 3.0)]
    assert stats.summarise_by_label(records) == {
        "north": {"n": 2, "mean": 2.0},
        "south": {"n": 1, "mean": 4.0},
    }
    assert math.isclose(stats.summarise_by_label([("a", 0.5)] * 10)["a"]["mean"], 0.5)

import math
import random

import pytest

from legacy_numeric import signals


def _series(n, seed):
    rng = random.Random(seed)
    return [rng.gauss(20.0, 5.0) for _ in range(n)]


def test_moving_average_constant():
    assert signals.moving_average([2.0] * 10, 3) == [2.0] * 8


def test_moving_average_sensor_series():
    values = _series(400, 1)
    out = signals.moving_average(values, 12)
    assert len(out) == 389
    assert math.isclose(out[0], sum(values[:12]) / 12)


def test_moving_average_rejects_bad_window():
    with pytest.raises(ValueError):
        signals.moving_average([1.0, 2.0], 0)


def test_smooth_three_point():
    out = signals.smooth_three_point([0.0, 4.0, 0.0, 4.0])
    assert out == [0.0, 2.0, 2.0, 4.0]
    assert len(signals.smooth_three_point(_series(500, 2))) == 500


def test_prefix_sums():
    assert signals.prefix_sums([1, 2, 3]) == [1.0, 3.0, 6.0]
    values = _series(600, 3)
    assert math.isclose(signals.prefix_sums(values)[-1], sum(values))


def test_cumulative_max():
    assert signals.cumulative_max([3.0, 1.0, 4.0, 1.0, 5.0]) == [3.0, 3.0, 4.0, 4.0, 5.0]
    assert signals.cumulative_max([2, 7, 1]) == [2, 7, 7]
    assert len(signals.cumulative_max(_series(500, 4))) == 500


def test_exp_normalise():
    weights = signals.exp_normalise([1.0, 2.0, 3.0, 1000.0])
    assert math.isclose(sum(weights), 1.0)
    assert weights[-1] > 0.99
    assert math.isclose(sum(signals.exp_normalise(_series(300, 5))), 1.0)


def test_clip_values():
    assert signals.clip_values([-5.0, 0.5, 9.0], 0.0, 1.0) == [0.0, 0.5, 1.0]
    out = signals.clip_values(_series(500, 6), 15.0, 25.0)
    assert min(out) >= 15.0 and max(out) <= 25.0


def test_normalise_in_place():
    vec = [3.0, 4.0]
    assert signals.normalise_in_place(vec) is None
    assert vec == [0.6, 0.8]
    values = _series(400, 7)
    signals.normalise_in_place(values)
    assert math.isclose(sum(v * v for v in values), 1.0)


def test_load_series(tmp_path):
    path = tmp_path / "series.txt"
    path.write_text("# temperature\n1.5\n\n2.5\n", encoding="utf-8")
    assert signals.load_series(str(path)) == [1.5, 2.5]

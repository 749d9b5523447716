import random

from legacy_numeric import grid


def _matrix(rows, cols, seed):
    rng = random.Random(seed)
    return [[rng.uniform(-1.0, 1.0) for _ in range(cols)] for _ in range(rows)]


def test_matmul_identity():
    a = [[1.0, 2.0], [3.0, 4.0]]
    eye = [[1.0, 0.0], [0.0, 1.0]]
    assert grid.matmul(a, eye) == a


def test_matmul_rectangular():
    out = grid.matmul(_matrix(20, 30, 1), _matrix(30, 25, 2))
    assert len(out) == 20 and len(out[0]) == 25


def test_jacobi_step():
    g = [[0.0] * 5 for _ in range(5)]
    g[0] = [1.0] * 5
    new = grid.jacobi_step(g)
    assert new[1][2] == 0.25 and g[1][2] == 0.0
    plate = _matrix(40, 40, 3)
    for _ in range(3):
        plate = grid.jacobi_step(plate)
    assert len(plate) == 40


def test_convolve2d():
    image = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]
    kernel = [[1.0, 0.0], [0.0, -1.0]]
    assert grid.convolve2d(image, kernel) == [[-4.0, -4.0], [-4.0, -4.0]]
    out = grid.convolve2d(_matrix(40, 40, 4), _matrix(3, 3, 5))
    assert len(out) == 38 and len(out[0]) == 38


def test_transpose_and_total():
    m = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert grid.transpose(m) == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    assert grid.grid_total(m) == 21.0
    assert grid.grid_total(_matrix(50, 50, 6)) != 0.0

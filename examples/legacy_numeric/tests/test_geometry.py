import math
import random

from legacy_numeric import geometry


def _cloud(n, dims, seed):
    rng = random.Random(seed)
    return [[rng.uniform(-10.0, 10.0) for _ in range(dims)] for _ in range(n)]


def test_pairwise_distances_small():
    d = geometry.pairwise_distances([[0.0, 0.0], [3.0, 4.0]])
    assert d == [[0.0, 5.0], [5.0, 0.0]]


def test_pairwise_distances_cloud():
    pts = _cloud(40, 3, 1)
    d = geometry.pairwise_distances(pts)
    assert len(d) == 40 and all(len(r) == 40 for r in d)
    assert d[3][7] == d[7][3]


def test_kmeans_assign():
    centroids = [[0.0, 0.0], [10.0, 10.0]]
    assert geometry.kmeans_assign([[1.0, 1.0], [9.0, 8.0], [5.0, 5.0]], centroids) == [0, 1, 0]
    labels = geometry.kmeans_assign(_cloud(300, 2, 2), _cloud(5, 2, 3))
    assert len(labels) == 300 and set(labels) <= set(range(5))


def test_polygon_area():
    assert geometry.polygon_area([0.0, 1.0, 1.0, 0.0], [0.0, 0.0, 1.0, 1.0]) == 1.0
    angles = [2 * math.pi * i / 400 for i in range(400)]
    area = geometry.polygon_area([math.cos(t) for t in angles], [math.sin(t) for t in angles])
    assert abs(area - math.pi) < 1e-3


def test_centroid():
    assert geometry.centroid([[0.0, 0.0], [2.0, 4.0]]) == [1.0, 2.0]
    assert len(geometry.centroid(_cloud(200, 4, 4))) == 4

import numpy as np

from distance_matrix import distance_matrix


def test_distance_matrix():
    pts = np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]])
    d = distance_matrix(pts)
    assert d.shape == (3, 3)
    assert d[0, 1] == 5.0 and d[1, 0] == 5.0
    assert d[0, 2] == 1.0
    assert np.all(np.diag(d) == 0.0)

import pytest

from cholesky import cholesky


def test_cholesky_known_matrix():
    A = [[4.0, 12.0, -16.0], [12.0, 37.0, -43.0], [-16.0, -43.0, 98.0]]
    assert cholesky(A) == [[2.0, 0.0, 0.0], [6.0, 1.0, 0.0], [-8.0, 5.0, 3.0]]


def test_cholesky_not_positive_definite():
    with pytest.raises(ValueError):
        cholesky([[1.0, 2.0], [2.0, 1.0]])

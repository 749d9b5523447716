from floyd_warshall import floyd_warshall

NO_EDGE = 10 ** 9


def test_floyd_warshall_small_graph():
    dist = [
        [0, 3, NO_EDGE, 7],
        [8, 0, 2, NO_EDGE],
        [5, NO_EDGE, 0, 1],
        [2, NO_EDGE, NO_EDGE, 0],
    ]
    floyd_warshall(dist)
    assert dist == [[0, 3, 5, 6], [5, 0, 2, 3], [3, 6, 0, 1], [2, 5, 7, 0]]

from assign_clusters import assign_clusters


def test_assign_clusters():
    centroids = [[0.0, 0.0], [10.0, 10.0], [0.0, 10.0]]
    points = [[1.0, 1.0], [9.0, 8.5], [-1.0, 11.0], [5.0, 5.0]]
    # the last point is equidistant from all three; ties go to the first centroid
    assert assign_clusters(points, centroids) == [0, 1, 2, 0]

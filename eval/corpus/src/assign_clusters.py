"""The assignment step of Lloyd's k-means."""


def assign_clusters(points, centroids):
    """Return, for every point (a list of coordinates), the index of the closest centroid by
    squared Euclidean distance; ties go to the lowest index."""
    labels = []
    k = len(centroids)
    for point in points:
        best = -1
        best_d2 = 0.0
        for c in range(k):
            centre = centroids[c]
            d2 = 0.0
            for dim in range(len(point)):
                diff = point[dim] - centre[dim]
                d2 += diff * diff
            if best < 0 or d2 < best_d2:
                best = c
                best_d2 = d2
        labels.append(best)
    return labels

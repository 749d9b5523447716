"""Point-cloud geometry used by the clustering notebook."""
import math


def pairwise_distances(points: list[list[float]]) -> list[list[float]]:
    """Full Euclidean distance matrix between all pairs of points."""
    n = len(points)
    matrix = []
    for i in range(n):
        row = []
        for j in range(n):
            acc = 0.0
            for k in range(len(points[i])):
                diff = points[i][k] - points[j][k]
                acc += diff * diff
            row.append(math.sqrt(acc))
        matrix.append(row)
    return matrix


def kmeans_assign(points, centroids):
    """Index of the nearest centroid for each point (ties go to the lower index)."""
    labels = []
    for p in points:
        best_index = 0
        best_dist = 0.0
        for k in range(len(p)):
            d = p[k] - centroids[0][k]
            best_dist += d * d
        for c in range(1, len(centroids)):
            dist = 0.0
            for k in range(len(p)):
                d = p[k] - centroids[c][k]
                dist += d * d
            if dist < best_dist:
                best_dist = dist
                best_index = c
        labels.append(best_index)
    return labels


def polygon_area(xs: list[float], ys: list[float]) -> float:
    """Signed area of a simple polygon via the shoelace formula."""
    n = len(xs)
    area = 0.0
    for i in range(n):
        j = (i + 1) % n
        area += xs[i] * ys[j] - xs[j] * ys[i]
    return area / 2.0


def centroid(points):
    """Arithmetic mean of a list of points (one coordinate list per point)."""
    dims = len(points[0])
    sums = [0.0] * dims
    for p in points:
        for k in range(dims):
            sums[k] += p[k]
    return [s / len(points) for s in sums]

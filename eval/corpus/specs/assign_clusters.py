import numpy as np

from _common import compare_all, expect_ok, float_matrix, int_matrix, py_rng

FUNCTION = "assign_clusters"
GROUP = "algorithm"
K = 8
DIM = 4
# n points in 4-D, 8 centroids. O(n * k * d)
SIZES = {"small": 150, "medium": 16000, "large": 310000}


def make_inputs(size, seed):
    r = py_rng(seed)
    return (float_matrix(r, size, DIM, -10.0, 10.0), float_matrix(r, K, DIM, -10.0, 10.0))


def oracle(candidate, original):
    r = py_rng(1430)
    dup_centroids = float_matrix(r, 3, 2)
    dup_centroids.append(list(dup_centroids[0]))
    cases = [
        ("random 30", make_inputs(30, 1431)),
        ("random 200, 1-D", (float_matrix(r, 200, 1), float_matrix(r, 5, 1))),
        ("one centroid", (float_matrix(r, 6, 3), float_matrix(r, 1, 3))),
        ("no points", ([], float_matrix(r, 3, 2))),
        ("duplicate centroid (tie -> lowest index)", (float_matrix(r, 20, 2), dup_centroids)),
        ("point equidistant from all", ([[5.0, 5.0]], [[0.0, 0.0], [10.0, 10.0], [0.0, 10.0]])),
        ("int coordinates", (int_matrix(r, 15, 2), int_matrix(r, 3, 2))),
        ("NaN point", ([[float("nan"), 0.0], [1.0, 1.0]], [[0.0, 0.0], [2.0, 2.0]])),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 2, 6):
        label, (points, centroids) = cases[k]
        o = expect_ok(outs[k], label)
        p = np.asarray(points, float)
        c = np.asarray(centroids, float)
        ref = ((p[:, None, :] - c[None, :, :]) ** 2).sum(axis=2).argmin(axis=1).tolist()
        if o.result != ref:
            raise AssertionError(f"reference check assign_clusters {label}: original disagrees with argmin")

"""All-pairs shortest path lengths."""


def floyd_warshall(dist):
    """Relax the square distance matrix ``dist`` (nested lists, updated in place) so that
    dist[i][j] becomes the length of the shortest path from i to j. Missing edges are given as a
    large value (e.g. 10**9 or float('inf'))."""
    n = len(dist)
    for k in range(n):
        row_k = dist[k]
        for i in range(n):
            row_i = dist[i]
            d_ik = row_i[k]
            for j in range(n):
                through_k = d_ik + row_k[j]
                if through_k < row_i[j]:
                    row_i[j] = through_k

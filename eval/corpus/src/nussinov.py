"""Nussinov RNA folding: maximum number of nested base pairs."""

_PAIRS = {("A", "U"), ("U", "A"), ("C", "G"), ("G", "C")}


def _pairs(a, b):
    return 1 if (a, b) in _PAIRS else 0


def nussinov(seq):
    """Maximum number of non-crossing Watson-Crick pairs in the RNA string ``seq`` (ACGU)."""
    n = len(seq)
    if n == 0:
        return 0
    table = [[0] * n for _ in range(n)]
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, n):
            best = table[i][j - 1]
            if table[i + 1][j] > best:
                best = table[i + 1][j]
            if i < j - 1:
                # i pairs with j (at least one unpaired base must sit between them)
                cand = table[i + 1][j - 1] + _pairs(seq[i], seq[j])
                if cand > best:
                    best = cand
            for k in range(i + 1, j):
                split = table[i][k] + table[k + 1][j]
                if split > best:
                    best = split
            table[i][j] = best
    return table[0][n - 1]

"""BiCG sub-kernel: the two matrix-vector products of one BiCGStab iteration."""


def bicg(A, p, r):
    """For an n x m matrix A return (s, q) with s = A^T r (length m) and q = A p (length n)."""
    n = len(A)
    m = len(p)
    s = [0.0 for _ in range(m)]
    q = [0.0 for _ in range(n)]
    for i in range(n):
        for j in range(m):
            s[j] = s[j] + r[i] * A[i][j]
            q[i] = q[i] + A[i][j] * p[j]
    return s, q

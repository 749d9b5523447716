"""Three matrix multiplications (3mm): G = (A B) (C D)."""


def _matmul(X, Y):
    rows = len(X)
    inner = len(Y)
    cols = len(Y[0]) if inner > 0 else 0
    out = []
    for i in range(rows):
        row = []
        for j in range(cols):
            acc = 0.0
            for k in range(inner):
                acc += X[i][k] * Y[k][j]
            row.append(acc)
        out.append(row)
    return out


def three_mm(A, B, C, D):
    """Return G = (A @ B) @ (C @ D) as nested lists."""
    E = _matmul(A, B)
    F = _matmul(C, D)
    return _matmul(E, F)

"""Multi-resolution analysis kernel (MADNESS doitgen)."""


def doitgen(A, C4):
    """For every (r, q), replace the vector A[r][q] by A[r][q] @ C4, in place.

    A is an nr x nq x np nested list and C4 an np x np matrix.
    """
    nr = len(A)
    for r in range(nr):
        nq = len(A[r])
        for q in range(nq):
            np_ = len(C4)
            total = [0.0] * np_
            for p in range(np_):
                acc = 0.0
                for s in range(np_):
                    acc += A[r][q][s] * C4[s][p]
                total[p] = acc
            for p in range(np_):
                A[r][q][p] = total[p]

from gemver import gemver


def test_gemver_small():
    n = 3
    A = [[1.0, 0.0, 2.0], [0.5, 1.0, 0.0], [0.0, -1.0, 1.0]]
    u1 = [1.0, 2.0, 3.0]
    v1 = [0.1, 0.2, 0.3]
    u2 = [0.0, 1.0, 0.0]
    v2 = [1.0, 1.0, 1.0]
    w = [0.0] * n
    x = [0.0] * n
    y = [1.0, 0.5, 0.25]
    z = [0.0, 0.0, 1.0]
    gemver(1.5, 1.2, A, u1, v1, u2, v2, w, x, y, z)
    assert abs(A[1][2] - (0.0 + 2.0 * 0.3 + 1.0)) < 1e-12
    expected_x0 = 1.2 * (A[0][0] * 1.0 + A[1][0] * 0.5 + A[2][0] * 0.25)
    assert abs(x[0] - expected_x0) < 1e-12
    expected_w2 = 1.5 * sum(A[2][j] * x[j] for j in range(n))
    assert abs(w[2] - expected_w2) < 1e-12

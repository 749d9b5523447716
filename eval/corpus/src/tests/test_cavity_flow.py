import numpy as np

from cavity_flow import cavity_flow


def test_cavity_lid_drives_flow():
    nx = ny = 11
    u = np.zeros((ny, nx))
    v = np.zeros((ny, nx))
    p = np.zeros((ny, nx))
    dx = dy = 2.0 / (nx - 1)
    for _ in range(5):
        cavity_flow(u, v, p, 0.001, dx, dy, 1.0, 0.1, 20)
    assert np.all(u[-1, 1:-1] == 1.0)
    assert u[-2, nx // 2] > 0.0
    assert np.all(np.isfinite(p))

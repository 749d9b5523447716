import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, np_rng

FUNCTION = "cavity_flow"
GROUP = "numpy-loops"
NIT = 20
# nx = ny = n, 20 pressure iterations per step. O(n^2 * nit)
SIZES = {"small": 5, "medium": 41, "large": 180}


def _state(rng, ny, nx, scale=0.1):
    u = rng.normal(0.0, scale, size=(ny, nx))
    v = rng.normal(0.0, scale, size=(ny, nx))
    p = rng.normal(0.0, scale, size=(ny, nx))
    return u, v, p


def make_inputs(size, seed):
    rng = np_rng(seed)
    u, v, p = _state(rng, size, size)
    dx = dy = 2.0 / (size - 1)
    return (u, v, p, 0.001, dx, dy, 1.0, 0.1, NIT)


def _ref(u, v, p, dt, dx, dy, rho, nu, nit):
    u, v, p = u.copy(), v.copy(), p.copy()
    b = np.zeros_like(u)
    dudx = (u[1:-1, 2:] - u[1:-1, :-2]) / (2 * dx)
    dvdy = (v[2:, 1:-1] - v[:-2, 1:-1]) / (2 * dy)
    dudy = (u[2:, 1:-1] - u[:-2, 1:-1]) / (2 * dy)
    dvdx = (v[1:-1, 2:] - v[1:-1, :-2]) / (2 * dx)
    b[1:-1, 1:-1] = rho * (1.0 / dt * (dudx + dvdy) - dudx ** 2 - 2.0 * dudy * dvdx - dvdy ** 2)
    for _ in range(nit):
        pn = p.copy()
        p[1:-1, 1:-1] = (((pn[1:-1, 2:] + pn[1:-1, :-2]) * dy ** 2
                          + (pn[2:, 1:-1] + pn[:-2, 1:-1]) * dx ** 2) / (2 * (dx ** 2 + dy ** 2))
                         - dx ** 2 * dy ** 2 / (2 * (dx ** 2 + dy ** 2)) * b[1:-1, 1:-1])
        p[:, -1] = p[:, -2]
        p[:, 0] = p[:, 1]
        p[0, :] = p[1, :]
        p[-1, :] = 0.0
    un, vn = u.copy(), v.copy()
    c = (slice(1, -1), slice(1, -1))
    u[c] = (un[c] - un[c] * dt / dx * (un[c] - un[1:-1, :-2]) - vn[c] * dt / dy * (un[c] - un[:-2, 1:-1])
            - dt / (2 * rho * dx) * (p[1:-1, 2:] - p[1:-1, :-2])
            + nu * (dt / dx ** 2 * (un[1:-1, 2:] - 2 * un[c] + un[1:-1, :-2])
                    + dt / dy ** 2 * (un[2:, 1:-1] - 2 * un[c] + un[:-2, 1:-1])))
    v[c] = (vn[c] - un[c] * dt / dx * (vn[c] - vn[1:-1, :-2]) - vn[c] * dt / dy * (vn[c] - vn[:-2, 1:-1])
            - dt / (2 * rho * dy) * (p[2:, 1:-1] - p[:-2, 1:-1])
            + nu * (dt / dx ** 2 * (vn[1:-1, 2:] - 2 * vn[c] + vn[1:-1, :-2])
                    + dt / dy ** 2 * (vn[2:, 1:-1] - 2 * vn[c] + vn[:-2, 1:-1])))
    u[0, :] = 0.0
    v[0, :] = 0.0
    u[-1, :] = 1.0
    v[-1, :] = 0.0
    u[:, 0] = 0.0
    u[:, -1] = 0.0
    v[:, 0] = 0.0
    v[:, -1] = 0.0
    return u, v, p


def oracle(candidate, original):
    rng = np_rng(1370)
    nan_case = list(make_inputs(6, 1371))
    nan_case[2] = nan_case[2].copy()
    nan_case[2][3, 3] = np.nan
    cases = [
        ("random 8", make_inputs(8, 1372)),
        ("random 13", make_inputs(13, 1373)),
        ("rectangular 5x9, 3 iterations", (*_state(rng, 5, 9), 0.002, 0.25, 0.5, 2.0, 0.05, 3)),
        ("3x3", (*_state(rng, 3, 3), 0.001, 1.0, 1.0, 1.0, 0.1, 5)),
        ("at rest, no pressure iterations", (np.zeros((5, 5)), np.zeros((5, 5)), np.zeros((5, 5)),
                                             0.001, 0.5, 0.5, 1.0, 0.1, 0)),
        ("NaN in pressure", tuple(nan_case)),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 2, 3, 4):
        label, args = cases[k]
        o = expect_ok(outs[k], label)
        u, v, p = _ref(*args)
        assert_close_ref(o.args[0], u, f"cavity_flow u {label}")
        assert_close_ref(o.args[1], v, f"cavity_flow v {label}")
        assert_close_ref(o.args[2], p, f"cavity_flow p {label}")

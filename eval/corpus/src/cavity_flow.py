"""One time step of 2-D lid-driven cavity flow (incompressible Navier-Stokes)."""
import numpy as np


def cavity_flow(u, v, p, dt, dx, dy, rho, nu, nit):
    """Advance velocity (u, v) and pressure p, all (ny, nx) float arrays, by one step of size
    dt, in place. The pressure Poisson equation is relaxed with ``nit`` Jacobi iterations.
    Walls are no-slip; the top lid moves with u = 1."""
    ny, nx = u.shape

    b = np.zeros((ny, nx))
    for j in range(1, ny - 1):
        for i in range(1, nx - 1):
            dudx = (u[j, i + 1] - u[j, i - 1]) / (2 * dx)
            dvdy = (v[j + 1, i] - v[j - 1, i]) / (2 * dy)
            dudy = (u[j + 1, i] - u[j - 1, i]) / (2 * dy)
            dvdx = (v[j, i + 1] - v[j, i - 1]) / (2 * dx)
            b[j, i] = rho * (1.0 / dt * (dudx + dvdy) - dudx * dudx - 2.0 * dudy * dvdx
                             - dvdy * dvdy)

    denom = 2.0 * (dx * dx + dy * dy)
    for it in range(nit):
        pn = p.copy()
        for j in range(1, ny - 1):
            for i in range(1, nx - 1):
                p[j, i] = (((pn[j, i + 1] + pn[j, i - 1]) * dy * dy
                            + (pn[j + 1, i] + pn[j - 1, i]) * dx * dx) / denom
                           - dx * dx * dy * dy / denom * b[j, i])
        for j in range(ny):
            p[j, nx - 1] = p[j, nx - 2]
            p[j, 0] = p[j, 1]
        for i in range(nx):
            p[0, i] = p[1, i]
            p[ny - 1, i] = 0.0

    un = u.copy()
    vn = v.copy()
    for j in range(1, ny - 1):
        for i in range(1, nx - 1):
            u[j, i] = (un[j, i]
                       - un[j, i] * dt / dx * (un[j, i] - un[j, i - 1])
                       - vn[j, i] * dt / dy * (un[j, i] - un[j - 1, i])
                       - dt / (2.0 * rho * dx) * (p[j, i + 1] - p[j, i - 1])
                       + nu * (dt / (dx * dx) * (un[j, i + 1] - 2.0 * un[j, i] + un[j, i - 1])
                               + dt / (dy * dy) * (un[j + 1, i] - 2.0 * un[j, i] + un[j - 1, i])))
            v[j, i] = (vn[j, i]
                       - un[j, i] * dt / dx * (vn[j, i] - vn[j, i - 1])
                       - vn[j, i] * dt / dy * (vn[j, i] - vn[j - 1, i])
                       - dt / (2.0 * rho * dy) * (p[j + 1, i] - p[j - 1, i])
                       + nu * (dt / (dx * dx) * (vn[j, i + 1] - 2.0 * vn[j, i] + vn[j, i - 1])
                               + dt / (dy * dy) * (vn[j + 1, i] - 2.0 * vn[j, i] + vn[j - 1, i])))

    for i in range(nx):
        u[0, i] = 0.0
        v[0, i] = 0.0
        u[ny - 1, i] = 1.0
        v[ny - 1, i] = 0.0
    for j in range(ny):
        u[j, 0] = 0.0
        u[j, nx - 1] = 0.0
        v[j, 0] = 0.0
        v[j, nx - 1] = 0.0

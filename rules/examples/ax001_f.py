def advect(u, dt, dx, steps):
    """Upwind steps of u (a 2-D float array, in place). The array differences divide as NumPy
    does (inf/nan at dx == 0); dt / (dx * dx) is Python's and raises ZeroDivisionError."""
    ny, nx = u.shape
    for _ in range(steps):
        un = u.copy()
        for j in range(1, ny - 1):
            for i in range(1, nx - 1):
                grad = (un[j, i] - un[j, i - 1]) / dx
                u[j, i] = un[j, i] - dt * grad + dt / (dx * dx) * (un[j, i + 1] - 2.0 * un[j, i] + un[j, i - 1])

"""One leapfrog-style step of a softened gravitational n-body system."""
import math

import numpy as np


def nbody_step(pos, vel, mass, dt, softening=0.01):
    """Advance positions and velocities (n x 3 float arrays, updated in place) by ``dt``.
    G = 1; ``softening`` avoids the singularity for close encounters."""
    n = pos.shape[0]
    acc = np.zeros((n, 3))
    eps2 = softening * softening
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            dx = pos[j, 0] - pos[i, 0]
            dy = pos[j, 1] - pos[i, 1]
            dz = pos[j, 2] - pos[i, 2]
            r2 = dx * dx + dy * dy + dz * dz + eps2
            inv_r3 = mass[j] / (r2 * math.sqrt(r2))
            acc[i, 0] += dx * inv_r3
            acc[i, 1] += dy * inv_r3
            acc[i, 2] += dz * inv_r3
    for i in range(n):
        for k in range(3):
            vel[i, k] += acc[i, k] * dt
            pos[i, k] += vel[i, k] * dt

import numpy as np

from nbody_step import nbody_step


def test_two_bodies_attract():
    pos = np.array([[-1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    vel = np.zeros((2, 3))
    mass = np.array([1.0, 1.0])
    nbody_step(pos, vel, mass, 0.01)
    assert vel[0, 0] > 0.0 and vel[1, 0] < 0.0
    assert abs(vel[0, 0] + vel[1, 0]) < 1e-15
    assert pos[0, 0] > -1.0

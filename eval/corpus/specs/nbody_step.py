import numpy as np

from _common import assert_close_ref, compare_all, expect_ok, np_rng

FUNCTION = "nbody_step"
GROUP = "numpy-loops"
# n bodies. O(n^2)
SIZES = {"small": 15, "medium": 170, "large": 750}


def make_inputs(size, seed):
    rng = np_rng(seed)
    pos = rng.uniform(-1.0, 1.0, size=(size, 3))
    vel = rng.normal(0.0, 0.1, size=(size, 3))
    mass = rng.uniform(0.5, 1.5, size=size)
    return (pos, vel, mass, 0.001)


def _ref(pos, vel, mass, dt, softening=0.01):
    d = pos[None, :, :] - pos[:, None, :]  # d[i, j] = pos[j] - pos[i]
    r2 = (d ** 2).sum(axis=2) + softening ** 2
    inv = mass[None, :] / (r2 * np.sqrt(r2))
    np.fill_diagonal(inv, 0.0)
    acc = (d * inv[:, :, None]).sum(axis=1)
    vel = vel + acc * dt
    return pos + vel * dt, vel


def oracle(candidate, original):
    rng = np_rng(1330)
    cases = [
        ("random 6", make_inputs(6, 1331)),
        ("random 25", make_inputs(25, 1332)),
        ("one body drifts", (np.array([[0.0, 1.0, 2.0]]), np.array([[1.0, 0.0, -1.0]]),
                             np.array([3.0]), 0.5)),
        ("coincident bodies (softening)", (np.zeros((2, 3)), np.zeros((2, 3)), np.ones(2), 0.1)),
        ("dt = 0", (rng.uniform(-1, 1, (4, 3)), rng.uniform(-1, 1, (4, 3)), np.ones(4), 0.0)),
        ("explicit softening", (rng.uniform(-1, 1, (5, 3)), np.zeros((5, 3)),
                                rng.uniform(1, 2, 5), 0.01, 0.5)),
        ("no bodies", (np.zeros((0, 3)), np.zeros((0, 3)), np.zeros(0), 0.1)),
    ]
    outs = compare_all(candidate, original, cases)
    for k in (0, 1, 2, 3, 4, 5):
        label, args = cases[k]
        o = expect_ok(outs[k], label)
        pos, vel = _ref(*args)
        assert_close_ref(o.args[0], pos, f"nbody_step pos {label}")
        assert_close_ref(o.args[1], vel, f"nbody_step vel {label}")

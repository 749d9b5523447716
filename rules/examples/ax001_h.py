def potential(bodies, g):
    """Pairwise potential energy of a list of records with `.x` and `.m` (objects, dataclasses,
    namedtuples): compiled over the columns of their attributes."""
    e = 0.0
    for i in range(len(bodies)):
        for j in range(i + 1, len(bodies)):
            e -= g * bodies[i].m * bodies[j].m / (abs(bodies[i].x - bodies[j].x) + 1.0)
    return e

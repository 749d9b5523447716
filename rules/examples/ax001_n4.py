# no_fire: the loop assigns an attribute of each record (reading the columns first would not see it)
def advance(bodies, dt):
    for b in bodies:
        b.x = b.x + dt * b.v

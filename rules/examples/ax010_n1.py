# no_fire: the accumulation is conditional
def positive_sum(xs):
    total = 0.0
    for x in xs:
        if x > 0:
            total += x
    return total

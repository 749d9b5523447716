def sum_of_squares(xs):
    total = 0.0
    for x in xs:
        total += x * x
    return total

def normalise(xs: list[float]) -> None:
    total = 0.0
    for x in xs:
        total += x
    for i in range(len(xs)):
        xs[i] = xs[i] / total

def f(xs):
    """Sum of squares.

    Long docstring with a def inside: def g(): pass
    """
    # a comment
    t = 0.0  # trailing
    for x in xs:  # loop
        t += x ** 2
    return t
    # after the last statement

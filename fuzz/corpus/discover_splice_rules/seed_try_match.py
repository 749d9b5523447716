def f(xs):
    t = 0
    for x in xs:
        try:
            t += 1 / x
        except ZeroDivisionError:
            pass
        match x:
            case 0:
                t -= 1
            case _:
                t += 1
    return t

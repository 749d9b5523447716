CACHE = {}
TOTAL = 0

def memo(xs):
    for x in xs:
        CACHE[x] = x * x

def bump(xs):
    global TOTAL
    for x in xs:
        TOTAL += x

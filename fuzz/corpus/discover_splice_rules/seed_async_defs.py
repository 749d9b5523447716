async def fetch(xs):
    t = 0
    for x in xs:
        t += await x
    return t

def uses_async(xs):
    async def inner():
        return 1
    for x in xs:
        pass

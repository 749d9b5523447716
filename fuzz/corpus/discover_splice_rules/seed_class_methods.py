class Grid:
    def __init__(self, n):
        self.n = n

    def step(self, cells):
        nxt = [0] * self.n
        for i in range(1, self.n - 1):
            nxt[i] = cells[i - 1] ^ cells[i + 1]
        return nxt

    @staticmethod
    def norm(xs):
        s = 0.0
        for x in xs:
            s += x * x
        return s ** 0.5

    @classmethod
    def build(cls, n):
        return [cls(i) for i in range(n)]

class Grid:
    """A method that reads attributes of `self` and writes into one in place."""

    def __init__(self, cells, weight):
        self.cells = cells
        self.weight = weight

    def smooth(self, sweeps):
        c = self.cells
        for _ in range(sweeps):
            for i in range(1, len(c) - 1):
                for j in range(1, len(c[i]) - 1):
                    c[i][j] = self.weight * (c[i - 1][j] + c[i + 1][j] + c[i][j - 1] + c[i][j + 1])

# no_fire: `a`, a copy of the list `grid`, is stored a value that may not be of its elements' type (Python's copy would hold it as it is, an array converts it)
def halve(grid: list[list[int]]):
    a = [row[:] for row in grid]
    for i in range(len(a)):
        for j in range(len(a[0])):
            a[i][j] = a[i][j] / 2
    return a

def levenshtein(a, b):
    """Edit distance of two strings (or byte strings, or lists of ints): characters are only
    compared with each other, so a str goes to the kernel as its code points."""
    n = len(a)
    m = len(b)
    prev = list(range(m + 1))
    cur = [0] * (m + 1)
    for i in range(1, n + 1):
        cur[0] = i
        for j in range(1, m + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        prev, cur = cur, prev
    return prev[m]

# no_fire: dicts cannot be compiled in nopython mode
def tally(words):
    seen = {}
    for w in words:
        seen[w] = seen.get(w, 0) + 1
    return seen

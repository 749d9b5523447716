import functools

from _common import compare_all, expect_ok, py_rng

FUNCTION = "edit_distance"
GROUP = "algorithm"
# two strings of length ~n. O(n^2)
SIZES = {"small": 55, "medium": 590, "large": 2600}


def _word(r, n, alphabet="acgtxyz"):
    return "".join(r.choice(alphabet) for _ in range(n))


def make_inputs(size, seed):
    r = py_rng(seed)
    a = _word(r, size)
    # b is a mutated copy of a, so the distance is well below the length
    b = list(a)
    for _ in range(size // 4):
        op = r.random()
        pos = r.randrange(len(b) + 1)
        if op < 0.4 and b:
            b[min(pos, len(b) - 1)] = r.choice("acgtxyz")
        elif op < 0.7 and b:
            del b[min(pos, len(b) - 1)]
        else:
            b.insert(pos, r.choice("acgtxyz"))
    return (a, "".join(b))


def _ref(a, b):
    @functools.lru_cache(maxsize=None)
    def d(i, j):
        if i == 0:
            return j
        if j == 0:
            return i
        return min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] != b[j - 1]))
    return d(len(a), len(b))


def oracle(candidate, original):
    r = py_rng(1420)
    cases = [
        ("random 20", make_inputs(20, 1421)),
        ("random 60", make_inputs(60, 1422)),
        ("unrelated", (_word(r, 25), _word(r, 31, "pqrs"))),
        ("both empty", ("", "")),
        ("one empty", ("", "abc")),
        ("other empty", ("abcd", "")),
        ("identical", ("legacy", "legacy")),
        ("kitten", ("kitten", "sitting")),
        ("non-ASCII", ("café naïve", "cafe naive")),
        ("case matters", ("ABC", "abc")),
    ]
    outs = compare_all(candidate, original, cases)
    for k, (label, (a, b)) in enumerate(cases):
        o = expect_ok(outs[k], label)
        if o.result != _ref(a, b):
            raise AssertionError(f"reference check edit_distance {label}: original {o.result}, "
                                 f"reference {_ref(a, b)}")

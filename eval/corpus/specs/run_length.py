import itertools

from _common import compare_all, expect_ok, py_rng

FUNCTION = "run_length"
GROUP = "algorithm"
# n bytes with runs of mean length ~6. O(n)
SIZES = {"small": 5600, "medium": 700000, "large": 14000000}


def _runny(r, n, alphabet=b"ABCD \x00\xff"):
    out = bytearray()
    while len(out) < n:
        out.extend(bytes([r.choice(alphabet)]) * r.randint(1, 11))
    return bytes(out[:n])


def make_inputs(size, seed):
    return (_runny(py_rng(seed), size),)


def _ref(data):
    runs = []
    for value, group in itertools.groupby(data):
        k = len(list(group))
        while k > 255:
            runs.append((value, 255))
            k -= 255
        runs.append((value, k))
    return runs


def oracle(candidate, original):
    r = py_rng(1470)
    cases = [
        ("random", make_inputs(500, 1471)),
        ("empty", (b"",)),
        ("one byte", (b"\x07",)),
        ("no repeats", (bytes(range(256)),)),
        ("run of 255", (b"a" * 255,)),
        ("run of 256", (b"a" * 256,)),
        ("run of 600 then other", (b"z" * 600 + b"y",)),
        ("bytearray", (bytearray(_runny(r, 80)),)),
    ]
    outs = compare_all(candidate, original, cases)
    for k, (label, (data,)) in enumerate(cases):
        o = expect_ok(outs[k], label)
        if o.result != _ref(data):
            raise AssertionError(f"reference check run_length {label}: original disagrees with groupby")

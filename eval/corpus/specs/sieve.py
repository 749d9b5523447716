from _common import compare_all, expect_ok, py_rng

FUNCTION = "sieve"
GROUP = "algorithm"
# limit n (plus a small seed-dependent offset). O(n log log n)
SIZES = {"small": 7300, "medium": 710000, "large": 14000000}


def make_inputs(size, seed):
    return (size + py_rng(seed).randrange(0, 100),)


def _is_prime(k):
    if k < 2:
        return False
    d = 2
    while d * d <= k:
        if k % d == 0:
            return False
        d += 1
    return True


def oracle(candidate, original):
    cases = [
        ("random limit", make_inputs(3000, 1410)),
        ("0", (0,)),
        ("1", (1,)),
        ("2", (2,)),
        ("3", (3,)),
        ("square of a prime", (49,)),
        ("prime limit", (97,)),
        ("negative", (-5,)),
        ("1000", (1000,)),
    ]
    outs = compare_all(candidate, original, cases)
    for k, (label, (limit,)) in enumerate(cases):
        o = expect_ok(outs[k], label)
        ref = [p for p in range(limit + 1) if _is_prime(p)]
        if o.result != ref:
            raise AssertionError(f"reference check sieve {label}: original disagrees with trial division")

import functools

from _common import compare_all, expect_ok, py_rng

FUNCTION = "nussinov"
GROUP = "polybench"
# sequence length n. O(n^3)
SIZES = {"small": 30, "medium": 180, "large": 480}


def _seq(r, n):
    return "".join(r.choice("ACGU") for _ in range(n))


def make_inputs(size, seed):
    return (_seq(py_rng(seed), size),)


def _ref(seq):
    ok = {("A", "U"), ("U", "A"), ("C", "G"), ("G", "C")}

    @functools.lru_cache(maxsize=None)
    def best(i, j):
        if j - i < 2:
            return 0
        value = best(i + 1, j)  # i unpaired
        for k in range(i + 2, j + 1):  # i pairs with k, at least one base between
            if (seq[i], seq[k]) in ok:
                value = max(value, 1 + best(i + 1, k - 1) + best(k + 1, j))
        return value

    return best(0, len(seq) - 1) if seq else 0


def oracle(candidate, original):
    r = py_rng(1170)
    cases = [
        ("random n=12", make_inputs(12, 1171)),
        ("random n=30", make_inputs(30, 1172)),
        ("random n=45", (_seq(r, 45),)),
        ("empty", ("",)),
        ("one base", ("G",)),
        ("adjacent pair only", ("AU",)),
        ("hairpin", ("GGGAAAUCC",)),
        ("no pairs possible", ("AAAAAAA",)),
        ("alternating", ("CG" * 9,)),
    ]
    outs = compare_all(candidate, original, cases)
    for k, (label, (seq,)) in enumerate(cases):
        o = expect_ok(outs[k], label)
        if o.result != _ref(seq):
            raise AssertionError(f"reference check nussinov {label}: original {o.result}, "
                                 f"reference {_ref(seq)}")

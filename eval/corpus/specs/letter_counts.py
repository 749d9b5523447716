import collections
import string

from _common import compare_all, expect_ok, py_rng

FUNCTION = "letter_counts"
GROUP = "algorithm"
# text of n characters. O(n)
SIZES = {"small": 7500, "medium": 980000, "large": 20000000}

_ALPHABET = string.ascii_letters + "     ,.;:!?'\n0123456789"


def make_inputs(size, seed):
    r = py_rng(seed)
    return ("".join(r.choices(_ALPHABET, k=size)),)


def oracle(candidate, original):
    cases = [
        ("random", make_inputs(2000, 1480)),
        ("empty", ("",)),
        ("pangram", ("The quick brown fox jumps over the lazy dog",)),
        ("no letters", ("1234 !?\n\t",)),
        ("non-ASCII letters are ignored", ("Ærøskøbing café ÉCOLE straße",)),
        ("brackets next to the letter ranges", ("@[`{Zz",)),
    ]
    outs = compare_all(candidate, original, cases)
    for k, (label, (text,)) in enumerate(cases):
        o = expect_ok(outs[k], label)
        c = collections.Counter(ch.lower() for ch in text if ch in string.ascii_letters)
        ref = [c[ch] for ch in string.ascii_lowercase]
        if o.result != ref:
            raise AssertionError(f"reference check letter_counts {label}: original disagrees with Counter")

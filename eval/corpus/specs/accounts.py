"""Negative control: object-heavy code (a dict of small class instances, attribute access and
method calls). Compared: return value, every account's attributes afterwards, exceptions."""
from _common import compare_all, expect_ok, expect_raises, load_src, py_rng

FUNCTION = "settle"
GROUP = "negative"
# n transfers between n/10 + 2 accounts
SIZES = {"small": 1400, "medium": 55000, "large": 500000}


def _accounts(r, k):
    Account = load_src("accounts").Account
    out = {}
    for i in range(k):
        name = f"acct{i:04d}"
        out[name] = Account(name, round(r.uniform(0.0, 500.0), 2), limit=r.choice([0.0, 50.0, 200.0]))
    return out


def _transfers(r, names, n):
    return [(r.choice(names), r.choice(names), round(r.uniform(1.0, 300.0), 2)) for _ in range(n)]


def make_inputs(size, seed):
    r = py_rng(seed)
    accounts = _accounts(r, size // 10 + 2)
    return (accounts, _transfers(r, list(accounts), size))


def oracle(candidate, original):
    r = py_rng(1520)
    Account = load_src("accounts").Account
    accts = _accounts(r, 4)
    unknown = _transfers(r, list(accts), 5) + [("acct0000", "nobody", 1.0)]
    cases = [
        ("random", make_inputs(300, 1521)),
        ("no transfers", (_accounts(r, 3), [])),
        ("self transfer", ({"a": Account("a", 10.0)}, [("a", "a", 5.0), ("a", "a", 50.0)])),
        ("overdraft limit", ({"a": Account("a", 0.0, 100.0), "b": Account("b", 0.0)},
                             [("a", "b", 100.0), ("a", "b", 0.01), ("b", "a", 100.0)])),
        ("int amounts", ({"a": Account("a", 10), "b": Account("b", 3)}, [("a", "b", 4), ("b", "a", 9)])),
        ("unknown account (KeyError after partial update)", (accts, unknown)),
    ]
    outs = compare_all(candidate, original, cases)
    expect_raises(outs[5], KeyError, "unknown account")
    label, (accounts, transfers) = cases[0]
    o = expect_ok(outs[0], label)
    before = sum(a.balance for a in accounts.values())
    after = sum(a.balance for a in o.args[0].values())
    if abs(before - after) > 1e-6:
        raise AssertionError("reference check settle: money was created or destroyed")
    hist = sum(len(a.history) for a in o.args[0].values())
    if hist != 2 * (len(transfers) - o.result):
        raise AssertionError("reference check settle: history length does not match accepted transfers")

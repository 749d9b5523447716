#!/usr/bin/env python3
"""Cost of checked int arithmetic in AX001 kernels, measured side by side in one process.

For each function, the AX001 rewrite (`aiaccel rule AX001 --apply`) is loaded twice: as made
(every `+ - * ...` a checked helper) and with the helpers' overloads swapped for the plain
operators. Both kernels are timed interleaved on the same input; the script prints the medians
and their ratio. Usage: python scripts/bench_checked.py [--release]"""

import importlib.util
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, "target", "release" if "--release" in sys.argv else "debug", "aiaccel")
corpus = os.path.join(root, "eval", "corpus", "src")
int_fixtures = os.path.join(root, "tests", "fixtures", "int_safety", "classic.py")

rng = np.random.default_rng(0)
CASES = [
    # (file, function, kernel arguments)
    (int_fixtures, "chain_order_cost", lambda: (np.array(rng.integers(1, 100, 120), dtype=np.int64), np.empty(0, np.int64))),
    (int_fixtures, "smallest_pair_product", lambda: (np.array(rng.integers(-1000, 1000, 3000), dtype=np.int64),)),
    (os.path.join(corpus, "distance_matrix.py"), "distance_matrix", lambda: (rng.standard_normal((300, 8)),)),
    (os.path.join(corpus, "gemm.py"), "gemm", None),
]

PLAIN = '''
def _aiaccel_plain_binary(fn, op):
    @_aiaccel_overload(fn)
    def ov(a, b):
        return op
'''


def rewrite(path, name):
    out = subprocess.run([binary, "rule", "AX001", "--apply", "%s::%s" % (path, name)], capture_output=True, text=True)
    if out.returncode != 0:
        return None
    src = open(path).read()
    start = src.index("def %s(" % name)
    nxt = re.search(r"^def |^class ", src[start + 1:], re.M)
    end = start + 1 + nxt.start() if nxt else len(src)
    return src[:start] + out.stdout + "\n\n" + src[end:]


def plain_variant(text):
    """The same module with the checked overloads registering plain operators instead."""
    for op, sym in (("add", "+"), ("sub", "-"), ("mul", "*")):
        text = text.replace("_aiaccel_binary(_aiaccel_%s, _aiaccel_s%s, lambda a, b: a %s b)" % (op, op if op != "mul" else "mul", sym),
                            "_aiaccel_overload(_aiaccel_%s)(lambda a, b: (lambda a, b: a %s b))" % (op, sym))
    return text


def load(text, name, tmp):
    path = os.path.join(tmp, name + ".py")
    with open(path, "w") as f:
        f.write(text)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    tmp = tempfile.mkdtemp()
    os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(tmp, "nc"))
    print("%-24s %12s %12s %8s" % ("kernel", "checked", "plain", "ratio"))
    for path, name, make in CASES:
        text = rewrite(path, name)
        if text is None or "_aiaccel_add" not in text:
            print("%-24s (AX001 does not fire or nothing is checked)" % name)
            continue
        checked = load(text, "ck_" + name, tmp)
        plain = load(plain_variant(text), "pl_" + name, tmp)
        kc, kp = getattr(checked, "_%s_kernel" % name), getattr(plain, "_%s_kernel" % name)
        if make is None:
            n = 120
            make = lambda: (1.5, 1.2, rng.standard_normal((n, n)), rng.standard_normal((n, n)), rng.standard_normal((n, n)))
        args = make()
        try:
            kc(*args), kp(*args)  # compile
        except Exception as e:
            print("%-24s kernel failed on the sample input: %s" % (name, e))
            continue
        tc, tp = [], []
        for r in range(15):
            for fn, acc in ((kc, tc), (kp, tp)) if r % 2 == 0 else ((kp, tp), (kc, tc)):
                t0 = time.perf_counter()
                fn(*args)
                acc.append(time.perf_counter() - t0)
        mc, mp = statistics.median(tc), statistics.median(tp)
        print("%-24s %10.3f ms %10.3f ms %7.2fx" % (name, mc * 1e3, mp * 1e3, mc / mp))


if __name__ == "__main__":
    main()

"""Time the ORIGINAL function of every spec at each SIZES level (one call each; inputs are
built first and not timed) and print a table, to choose SIZES. Targets: small ~1 ms,
medium ~100 ms, large ~2 s on a 2-core machine.

    python calibrate.py                      # small and medium
    python calibrate.py --large              # also large (slow: builds big inputs)
    python calibrate.py gemm lu              # only these specs
    python calibrate.py --try gemm=70 lu=90  # time one size per spec instead of SIZES
    python calibrate.py --repeat 3           # best of 3 calls per level
"""
import argparse
import copy
import gc
import importlib
import importlib.util
import io
import contextlib
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SPECS_DIR = os.path.join(HERE, "specs")
SRC_DIR = os.path.join(HERE, "src")
sys.path.insert(0, SPECS_DIR)
sys.path.insert(0, SRC_DIR)

TARGETS = {"small": 1e-3, "medium": 0.1, "large": 2.0}


def load_spec(name):
    spec = importlib.util.spec_from_file_location(f"_aiaccel_corpus_spec_{name}",
                                                  os.path.join(SPECS_DIR, name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def time_once(fn, args, repeat):
    best = float("inf")
    for _ in range(repeat):
        call_args = copy.deepcopy(args) if repeat > 1 else args
        sink = io.StringIO()
        gc.collect()
        with contextlib.redirect_stdout(sink):
            t0 = time.perf_counter()
            fn(*call_args)
            dt = time.perf_counter() - t0
        best = min(best, dt)
    return best


def fmt(seconds, target):
    if seconds is None:
        return f"{'-':>18}"
    return f"{seconds * 1e3:10.1f} ms {seconds / target:5.2f}x"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("names", nargs="*")
    ap.add_argument("--large", action="store_true")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--try", dest="trial", nargs="+", default=None, metavar="NAME=SIZE")
    opts = ap.parse_args()

    if opts.trial:
        for item in opts.trial:
            name, size = item.split("=")
            s = load_spec(name)
            fn = getattr(importlib.import_module(name), s.FUNCTION)
            args = s.make_inputs(int(size), 0)
            print(f"{name:22s} size {size:>9s}: {time_once(fn, args, opts.repeat) * 1e3:10.1f} ms",
                  flush=True)
        return

    names = opts.names or sorted(f[:-3] for f in os.listdir(SPECS_DIR)
                                 if f.endswith(".py") and not f.startswith("_"))
    levels = ["small", "medium"] + (["large"] if opts.large else [])
    print(f"{'spec':22s} {'group':12s} " + " ".join(f"{lv + ' (x target)':>18s}" for lv in levels))
    for name in names:
        s = load_spec(name)
        fn = getattr(importlib.import_module(name), s.FUNCTION)
        cells = []
        for lv in levels:
            args = s.make_inputs(s.SIZES[lv], 0)
            cells.append(fmt(time_once(fn, args, opts.repeat), TARGETS[lv]))
            del args
            gc.collect()
        print(f"{name:22s} {s.GROUP:12s} " + " ".join(cells), flush=True)


if __name__ == "__main__":
    main()

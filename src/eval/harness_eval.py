# aiaccel harness, part: eval mode: a corpus spec's oracle and timings (joined with the other parts into one script at build time: src/python.rs)
def load_spec(path):
    """An eval spec (eval/corpus/specs/<name>.py), loaded by file path under a private name:
    spec modules share names with the corpus modules."""
    import importlib.util

    specs_dir = os.path.dirname(os.path.abspath(path))
    if specs_dir not in sys.path:
        sys.path.append(specs_dir)  # after the snapshot: `from _common import ...`
    name = "_aiaccel_spec_" + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def mode_eval(req):
    """Score one accepted (or baseline) candidate with the corpus spec: its own oracle, and
    end-to-end timings at the spec's sizes (original signature, conversions included)."""
    spec = load_spec(req["spec_path"])
    fn_orig = bound_callable(req["module"], req["qualname"], req["kind"])
    fn_cand = bound_callable(req["cand_module"], req["qualname"], req["kind"])
    out = {"status": "ok"}
    mark = len(REFUSED)
    if req["oracle"]:
        t0 = time.perf_counter()
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                spec.oracle(fn_cand, fn_orig)
            out["oracle"] = {"ok": True, "message": ""}
        except AssertionError as e:
            out["oracle"] = {"ok": False, "message": short_repr(str(e), 600)}
        except Exception as e:
            out["oracle"] = {"ok": False, "message": "oracle raised %s: %s" % (type(e).__name__, short_repr(str(e), 400))}
        if len(REFUSED) > mark:
            out["oracle"] = {"ok": False, "message": "sandbox: " + "; ".join(refused_since(mark)[:3])}
        out["oracle_s"] = time.perf_counter() - t0
    seed = req["seed"]
    rounds = req["rounds"]
    # compile time: the first call on the smallest inputs, minus a warm second call
    sizes = req["sizes"]
    timings = []
    if sizes:
        small = spec.SIZES[sizes[0]]
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                args = spec.make_inputs(small, seed)
                t0 = time.perf_counter()
                fn_cand(*args)
                first = time.perf_counter() - t0
                args = spec.make_inputs(small, seed)
                t0 = time.perf_counter()
                fn_cand(*args)
                second = time.perf_counter() - t0
            out["compile_s"] = max(0.0, first - second)
        except Exception as e:
            out["bench_error"] = "%s: %s" % (type(e).__name__, short_repr(str(e), 300))
            sizes = []
    for level in sizes:
        n = spec.SIZES[level]
        o_times, c_times = [], []
        budget_end = time.perf_counter() + req["size_budget_s"]
        try:
            for r in range(rounds):
                with contextlib.redirect_stdout(io.StringIO()):
                    pair = [("o", fn_orig), ("c", fn_cand)] if r % 2 == 0 else [("c", fn_cand), ("o", fn_orig)]
                    for tag, fn in pair:
                        args = spec.make_inputs(n, seed + r)
                        t0 = time.perf_counter()
                        fn(*args)
                        dt = time.perf_counter() - t0
                        (o_times if tag == "o" else c_times).append(dt)
                if time.perf_counter() > budget_end:
                    break
        except Exception as e:
            timings.append({"size": level, "n": n, "error": "%s: %s" % (type(e).__name__, short_repr(str(e), 300))})
            continue
        om, cm = statistics.median(o_times), statistics.median(c_times)
        timings.append({"size": level, "n": n, "orig_s": om, "cand_s": cm, "speedup": om / cm if cm > 0 else None, "rounds": len(c_times)})
    out["sizes"] = timings
    return out




def _as_arrays(v):
    """An argument as the compiled-loop reference takes it: lists (of lists) of numbers and
    bytes as ndarrays, tuples element by element; ndarrays, strings and scalars as they are."""
    import numpy as np

    if type(v) is list:
        try:
            a = np.array(v)
        except (ValueError, TypeError, OverflowError):
            return v
        return a if a.dtype.kind in "biufc" and a.size else v
    if type(v) in (bytes, bytearray):
        return np.frombuffer(bytes(v), dtype=np.uint8).copy()
    if type(v) is tuple:
        return tuple(_as_arrays(x) for x in v)
    return v


def _close(a, b):
    import numpy as np

    try:
        return bool(np.allclose(np.asarray(a, dtype=complex), np.asarray(b, dtype=complex), rtol=1e-6, atol=1e-9, equal_nan=True))
    except Exception:
        return a == b


def mode_njit_ref(req):
    """The compiled-loop reference for one corpus function: `numba.njit` on the unchanged
    original, called on the spec's inputs at one size with lists already made ndarrays (the
    conversion is not timed: kernel only). Reports the median time ratio against the original
    on its own inputs, and whether the results agree."""
    import inspect

    import numba

    spec = load_spec(req["spec_path"])
    fn_orig = bound_callable(req["module"], req["qualname"], req["kind"])
    n = spec.SIZES[req["size"]]
    seed = req["seed"]
    sink = io.StringIO()
    try:
        ref = numba.njit(inspect.unwrap(fn_orig))
        with contextlib.redirect_stdout(sink):
            ref(*[_as_arrays(a) for a in spec.make_inputs(n, seed)])
    except Exception as e:
        first = (str(e).strip().splitlines() or [""])[0]
        return {"status": "ok", "speedup": None, "note": "does not compile: %s: %s" % (type(e).__name__, short_repr(first, 160))}
    o_times, r_times = [], []
    agree = True
    budget_end = time.perf_counter() + req["size_budget_s"]
    with contextlib.redirect_stdout(sink):
        for r in range(req["rounds"]):
            args_o = spec.make_inputs(n, seed + r)
            args_r = [_as_arrays(a) for a in spec.make_inputs(n, seed + r)]
            t0 = time.perf_counter()
            res_o = fn_orig(*args_o)
            o_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            res_r = ref(*args_r)
            r_times.append(time.perf_counter() - t0)
            if r == 0:
                agree = _close(res_o, res_r) and all(_close(_as_arrays(x), y) for x, y in zip(args_o, args_r))
            if time.perf_counter() > budget_end:
                break
    om, rm = statistics.median(o_times), statistics.median(r_times)
    return {"status": "ok", "speedup": om / rm if rm > 0 else None, "note": "" if agree else "its results differ from the original's"}

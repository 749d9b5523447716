# aiaccel harness, part: bench mode: interleaved timing, results compared at every size (joined with the other parts into one script at build time: src/python.rs)
def device_sync():
    """Wait for a GPU's queued work before a clock read (a CuPy rewrite that returned before its
    kernels finished would look faster than it is). Nothing where CuPy was never imported."""
    cp = sys.modules.get("cupy")
    if cp is not None:
        try:
            cp.cuda.runtime.deviceSynchronize()
        except Exception:
            pass


def timed(fn, arg_sets):
    device_sync()
    t0 = time.perf_counter()
    for args, kwargs in arg_sets:
        fn(*args, **kwargs)
    device_sync()
    return (time.perf_counter() - t0) / len(arg_sets)


_ATOMS = (int, float, bool, complex, str, bytes, type(None))
_ATOM_SET = frozenset(_ATOMS)


def fast_copy(v):
    """A deep copy that is quick for (nested) lists of numbers: numbers are immutable, so
    copying the lists is enough. Anything else goes through copy.deepcopy."""
    t = type(v)
    if t in _ATOMS:
        return v
    if t is list:
        if v and type(v[0]) is list:
            return [fast_copy(r) for r in v]
        if set(map(type, v)) <= _ATOM_SET:
            return v[:]
    if t.__module__ == "numpy" and t.__name__ == "ndarray" and v.dtype.kind in "biufc":
        return v.copy()
    return copy.deepcopy(v)


def copies(case, k):
    return [([fast_copy(a) for a in case["args"]], {n: fast_copy(a) for n, a in case["kwargs"].items()}) for _ in range(k)]


# what the benchmark's generated inputs hold, tried in this order until the original runs on
# one: positive floats, then positive ints (bit twiddling), positive definite matrices (linear
# algebra), bytes and text
BENCH_VARIANTS = ("positive", "int_positive", "spd", "bytes", "text")


def bench_case(params, n, profile, seed, variant="positive", as_nd=()):
    gen = Gen(seed)
    args = gen_args(params, n, variant, profile, gen)
    if as_nd:
        import numpy as np

        for i in as_nd:
            if i < len(args) and type(args[i]) is list:
                try:
                    args[i] = np.array(args[i], dtype=np.int64 if params[i]["shape"].startswith("int") else np.float64)
                except (ValueError, TypeError, OverflowError):
                    pass
    return {"args": args, "kwargs": {}, "label": "n=%d" % n}


def _first_leaf(v):
    while type(v) in (list, tuple) and v:
        v = v[0]
    return v


def captured_int_lists(params, captured):
    """Every list-shaped argument of every captured call holds ints: the scaled sizes are
    timed on int lists first, as the repo calls the function (a float-shaped list the body
    computes the same on as on ints takes its int fast path there)."""
    idx = [i for i, p in enumerate(params) if p["shape"].endswith(("_list", "_matrix")) or p["shape"] == "float_cube"]
    if not captured or not idx:
        return False
    for c in captured:
        for i in idx:
            if i >= len(c["args"]) or type(c["args"][i]) not in (list, tuple) or type(_first_leaf(c["args"][i])) is not int:
                return False
    return True


def captured_nd(params, captured):
    """The list-shaped parameters (of a module that imports NumPy) that every captured call
    passes an ndarray for: the scaled sizes are timed with ndarrays there too, as the repo
    calls the function, where without captured calls they are timed as lists (the slower,
    converted path)."""
    out = []
    # without captured calls, a function with ndarray parameters (`a.shape`, `a[i, j]`) is
    # called with ndarrays for its list-indexed ones too, as NumPy code is
    arrays_elsewhere = any(p["shape"] in ARRAY_SHAPES for p in params)
    for i, p in enumerate(params):
        if not p.get("nd_too"):
            continue
        if not captured:
            if arrays_elsewhere:
                out.append(i)
            continue
        if all(i < len(c["args"]) and type(c["args"][i]).__name__ == "ndarray" for c in captured):
            out.append(i)
    return tuple(out)


def bench_profiles(params, captured):
    """The generated shapes to time on, the likeliest first. Where the repo's own calls pass a
    second container much smaller than the first (an image and its kernel, a series and its
    window), time on that shape: square inputs would turn `convolve2d(image, kernel)` into one
    output pixel, a benchmark of list conversion rather than of the function."""
    idx = [i for i, p in enumerate(params) if p["shape"].endswith(("_list", "_matrix")) or p["shape"] in ("float_cube",) + ARRAY_SHAPES]
    if len(idx) < 2:
        return ["square"]
    first, second = idx[0], idx[1]
    if captured:
        a = largest_captured(captured)["args"]
        try:
            if len(a) > second and 4 * len(a[second]) <= len(a[first]):
                return ["small-second", "square"]
        except TypeError:
            pass
    return ["square", "small-second"]


def largest_captured(captured):
    """The captured call with the most data (by pickled size)."""
    return max(captured, key=lambda c: len(pickle.dumps(c["args"])))


def mode_bench(req):
    fn_orig = bound_callable(req["module"], req["qualname"], req["kind"])
    params = req["params"]
    seed = req["seed"]
    sink = io.StringIO()
    target = req["target_s"]
    # find a profile on which the original runs, and the size where it takes `target` seconds
    chosen = None
    captured = load_captured(req["captured_file"])
    profiles = bench_profiles(params, captured)
    as_nd = captured_nd(params, captured)
    # a call of the original past this is stopped: a size parameter driving factorial or
    # exponential work (`fannkuch(16)`) must not spend the whole benchmark on one call
    limit = max(1.0, 10 * target)
    start = 16
    variants = BENCH_VARIANTS
    if captured_int_lists(params, captured):
        variants = ("int_positive",) + tuple(v for v in BENCH_VARIANTS if v != "int_positive")
    elif any(p.get("text") for p in params):
        # characters compared with `str` literals or passed to ord(): text, where a float list
        # would run the function without meeting a character
        variants = ("text_ascii",) + BENCH_VARIANTS
    with contextlib.redirect_stdout(sink):
        for profile in profiles:
            for variant in variants:
                n0 = 16
                while True:
                    o = call(fn_orig, bench_case(params, n0, profile, seed, variant, as_nd), seed, limit)
                    if not o["too_slow"] or n0 <= 2:
                        break
                    n0 //= 2
                if o["exc"] is None and not o["too_slow"]:
                    chosen = (profile, variant)
                    start = n0
                    break
            if chosen:
                break
    if chosen is None:
        if not captured:
            return {"status": "no_inputs", "message": "the original raises on every generated benchmark input and no calls were captured"}
        # benchmark on the largest captured call only
        sizes = [("captured", largest_captured(captured))]
    else:
        n = start
        t = 0.0
        last_ok = start
        grow_deadline = time.perf_counter() + req["grow_budget_s"]
        with contextlib.redirect_stdout(sink):
            while True:
                case = bench_case(params, n, chosen[0], seed, chosen[1], as_nd)
                o = call(fn_orig, case, seed, limit)
                if o["too_slow"]:
                    # back to the largest size the original ran on within the limit
                    n = last_ok
                    break
                if o["exc"] is not None:
                    n //= 2
                    break
                last_ok = n
                t = o["seconds"]
                if t >= target or n >= req["max_n"] or time.perf_counter() > grow_deadline:
                    break
                factor = 2 if t > target / 8 else 4
                n *= factor
        n = max(n, 2)
        # three growing sizes; the largest (where the original takes `target` seconds) decides
        ladder = sorted({max(2, n // 16), max(2, n // 4), n})
        shape = "" if chosen[0] == "square" else ", second argument small"
        kind = "" if chosen[1] == "positive" else ", %s" % chosen[1].replace("_", " ")
        if as_nd:
            kind += ", ndarrays as in the captured calls" if captured else ", ndarrays as its other array parameters"
        sizes = [("%d%s%s" % (k, shape, kind), bench_case(params, k, chosen[0], seed, chosen[1], as_nd)) for k in ladder]
    try:
        t0 = time.perf_counter()
        fn_cand = bound_callable(req["cand_module"], req["qualname"], req["kind"])
        import_s = time.perf_counter() - t0
    except Exception as e:
        return {"status": "error", "message": "candidate failed to import: %s" % e}
    results = []
    compile_s = None
    cmp = Cmp(req["rtol"], req["atol"], req["nan_equal"], req["signed_zero"], req["exception_message"])
    checked = 0

    def first_calls(case, where):
        """The candidate's first call (it carries the JIT compile) and the original's, compared:
        the rewrite runs here on inputs far larger than the verifier's, and its results must be
        the original's at every size it is timed on (int64 wraps only at scale)."""
        first = call(fn_cand, case, seed)
        want = call(fn_orig, case, seed)
        d = compare(cmp, want, first)
        if d is not None and req["reorder_bound"] and want["exc"] is None and first["exc"] is None:
            # summed in another order (the verifier's rule): rounding-sized differences pass
            if within_reorder_bound(cmp, fn_orig, case, want, first, seed)[0]:
                d = None
        if d is None:
            return first, None
        return first, {
            "status": "diverged",
            "message": "at %s: %s" % (where, d),
            "counterexample": {"case": where, "input": short_repr(case["args"], 400), "expected": describe_outcome(want), "got": describe_outcome(first)},
        }

    def interleaved(case, give_up):
        """Original and candidate timed in alternating order, `rounds` times (fewer when the
        candidate is clearly slower after 3 and `give_up` is set)."""
        probe = call(fn_orig, case, seed)["seconds"]
        reps = max(1, min(1000, int(req["min_sample_s"] / max(probe, 1e-7))))
        orig_t, cand_t, ratios = [], [], []
        for r in range(req["rounds"]):
            order = [(fn_orig, orig_t), (fn_cand, cand_t)]
            if r % 2:
                order.reverse()
            for fn, acc in order:
                acc.append(timed(fn, copies(case, reps)))
            ratios.append(orig_t[-1] / max(cand_t[-1], 1e-12))
            sink.seek(0)
            sink.truncate()
            # clearly slower after 3 rounds: more rounds cannot change the verdict
            if give_up and r == 2 and statistics.median(ratios) < req["give_up_below"]:
                break
        om, cm = statistics.median(orig_t), statistics.median(cand_t)
        return {
            "inputs": ", ".join(shape_of(a) for a in case["args"]),
            "reps": reps,
            "orig_median_s": om,
            "cand_median_s": cm,
            "speedup": om / max(cm, 1e-12),
            "ratios": ratios,
        }

    with contextlib.redirect_stdout(sink):
        for label, case in reversed(sizes):
            first, diverged = first_calls(case, "the benchmark size %s" % label)
            if diverged:
                return diverged
            checked += 1
            if first["exc"] is not None:
                return {"status": "error", "message": "candidate raised %s on the benchmark input %s" % (type(first["exc"]).__name__, label)}
            steady = call(fn_cand, case, seed)["seconds"]
            if compile_s is None:
                compile_s = max(0.0, first["seconds"] - steady)
            results.append(dict(size=label, **interleaved(case, True)))
            if results[-1]["speedup"] < req["give_up_below"]:
                break  # the largest size already decided it
    results.reverse()
    # the repo's own call sizes: the largest captured call, timed the same way (it decides
    # whether a user sees the speedup at all)
    if captured and chosen is not None:
        case = largest_captured(captured)
        with contextlib.redirect_stdout(sink):
            first, diverged = first_calls(case, "the largest captured call")
            if diverged:
                return diverged
            if first["exc"] is None:
                checked += 1
                results.insert(0, dict(size="captured", real=True, **interleaved(case, False)))
    return {"status": "ok", "sizes": results, "compile_s": compile_s or 0.0, "import_s": import_s, "checked_sizes": checked}



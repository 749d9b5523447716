# aiaccel harness, part: verify mode: coverage, determinism, growth, doctests (joined with the other parts into one script at build time: src/python.rs)
# ---------------------------------------------------------------- modes


class LineCoverage:
    """Which lines of the original (and of the code nested in it: comprehensions, lambdas) ran.
    Only frames of those code objects are traced, so the rest runs at full speed."""

    def __init__(self, fn):
        import types

        self.codes = set()
        self.lines = set()
        self.hit = set()
        code = getattr(getattr(fn, "__wrapped__", fn), "__code__", None)
        stack = [code] if code is not None else []
        while stack:
            c = stack.pop()
            self.codes.add(c)
            for _, _, line in c.co_lines():
                if line is not None and line > code.co_firstlineno:
                    self.lines.add(line)
            stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))

    def _trace(self, frame, event, arg):
        if frame.f_code not in self.codes:
            return None
        if event == "line":
            self.hit.add(frame.f_lineno)
        return self._trace

    def __enter__(self):
        self._old = sys.gettrace()
        sys.settrace(self._trace)
        return self

    def __exit__(self, *exc):
        sys.settrace(self._old)

    def fraction(self):
        return len(self.hit & self.lines) / len(self.lines) if self.lines else 1.0

    def missed(self):
        return sorted(self.lines - self.hit)


def untyped_notes():
    """Numba typing errors the rewrites' adapters noted so far (`_aiaccel_untyped` in the
    runtime module each candidate imports), in call order; "" after the first few."""
    out = []
    for name, m in list(sys.modules.items()):
        if name.rpartition(".")[2].startswith("_aiaccel_adapt_"):
            out.extend(getattr(m, "_AIACCEL_UNTYPED", ()))
    return out


def kernel_compiled(module_name):
    """Whether any Numba function of the candidate module compiled for some call."""
    m = sys.modules.get(module_name)
    for v in list(vars(m).values()) if m is not None else ():
        if hasattr(v, "py_func") and getattr(v, "signatures", None):
            return True
    return False


def mode_probe(req):
    info = {"python": sys.version.split()[0], "executable": sys.executable}
    for name in ("numpy", "numba", "pytest"):
        try:
            m = __import__(name)
            info[name] = getattr(m, "__version__", "?")
        except Exception:
            info[name] = None
    # optional packages some strategies need, found without importing them (cupy's import
    # initialises CUDA): scipy (Numba's np.linalg calls it), cupy (the CuPy strategy)
    import importlib.metadata
    import importlib.util

    info["optional"] = {}
    for name, dists in (("scipy", ("scipy",)), ("cupy", ("cupy", "cupy-cuda12x", "cupy-cuda13x", "cupy-cuda11x"))):
        version = None
        if importlib.util.find_spec(name) is not None:
            for d in dists:
                try:
                    version = importlib.metadata.version(d)
                    break
                except importlib.metadata.PackageNotFoundError:
                    continue
            version = version or "?"
        info["optional"][name] = version
    return info


def mode_verify(req):
    phases = {}
    t_phase = [time.perf_counter()]

    def phase(name):
        now = time.perf_counter()
        phases[name] = round(phases.get(name, 0.0) + now - t_phase[0], 3)
        t_phase[0] = now

    fn_orig = bound_callable(req["module"], req["qualname"], req["kind"])
    cmp = Cmp(req["rtol"], req["atol"], req["nan_equal"], req["signed_zero"], req["exception_message"])
    captured = load_captured(req["captured_file"])
    cases = captured[: req["max_captured"]] + generated_cases(req["params"], req["seed"], req["max_generated"])
    # the original, twice: evidence must be deterministic. An input on which the original itself
    # is too slow (an int driving factorial work, a huge range) is dropped, and said so.
    originals = []
    usable = []
    dropped = []
    raised = 0
    cov = LineCoverage(fn_orig)
    limit = req["case_limit_s"]

    def run_original(case, limit_s, traced):
        if traced:
            with cov:
                a = call(fn_orig, case, req["seed"], limit_s)
        else:
            a = call(fn_orig, case, req["seed"], limit_s)
        if a["too_slow"]:
            dropped.append(case["label"])
            return None, None
        b = call(fn_orig, case, req["seed"], 2 * limit_s + 1.0)
        if b["too_slow"]:
            dropped.append(case["label"])
            return None, None
        if compare(cmp, a, b) is not None:
            return a, {"status": "nondeterministic", "message": "the original gives different results on two runs of %s (each run on its own copy of the input)" % case["label"]}
        return a, None

    for case in cases:
        a, bad = run_original(case, limit * (3 if case["source"] == "captured" else 1), True)
        if bad:
            return bad
        if a is None:
            continue
        if a["exc"] is not None:
            raised += 1
        originals.append(a)
        usable.append(case)
    phase("original")
    # growth: well past the small sizes, where counts, sums, products and tables outgrow int64
    grown, grown_n, spent = 0, 0, 0.0
    if usable and raised < len(usable):
        for n in growth_ladder(req["params"]):
            case = growth_case(req["params"], n, req["seed"])
            a, bad = run_original(case, 2.0, False)
            if bad:
                return bad
            if a is None:
                break
            originals.append(a)
            usable.append(case)
            grown, grown_n = grown + 1, n
            if a["exc"] is not None:
                raised += 1
                break
            spent += a["seconds"]
            if a["seconds"] > 0.7 or spent > 4.0:
                break
    phase("growth")
    if REFUSED:
        return {"status": "unsafe_original", "message": "the original itself did something the sandbox refuses (%s); aiaccel will not verify it outside the sandbox" % "; ".join(refused_since(0)[:3])}
    if not usable:
        why = " (the original ran past its time limit on all %d: %s)" % (len(dropped), ", ".join(dropped[:4])) if dropped else ""
        return {"status": "no_inputs", "message": "no inputs could be generated or captured%s" % why}
    coverage = cov.fraction()
    if coverage < req["min_coverage"]:
        return {"status": "low_coverage", "coverage": coverage, "message": "not enough evidence: the inputs ran %.0f%% of the original's lines (lines never run: %s; at least %.0f%% needed)" % (100 * coverage, ", ".join(map(str, cov.missed()[:12])), 100 * req["min_coverage"])}
    if raised == len(usable):
        first = originals[0]
        return {"status": "original_raises", "message": "the original raises on every input (%d cases), e.g. %s: %s" % (raised, type(first["exc"]).__name__, short_repr(str(first["exc"]), 200))}
    cmp.max_abs = cmp.max_rel = 0.0
    try:
        t0 = time.perf_counter()
        fn_cand = bound_callable(req["cand_module"], req["qualname"], req["kind"])
        import_s = time.perf_counter() - t0
    except Exception as e:
        if REFUSED:
            return {"status": "ok", "verdict": "refused", "limit": "audit", "message": "the candidate module, on import: %s" % "; ".join(refused_since(0)[:3])}
        return {"status": "ok", "verdict": "crashed", "message": "candidate module failed to import: %s: %s" % (type(e).__name__, short_repr(str(e), 400))}
    n_captured = sum(1 for c in usable if c["source"] == "captured")
    first_call_s = None
    kept = []  # (case, original's result, candidate's live result, its copy at return time)
    untyped_mark = len(untyped_notes())
    reordered, reorder_ratio = 0, 0.0
    for case, want in zip(usable, originals):
        mark = len(REFUSED)
        got = call(fn_cand, case, req["seed"])
        if first_call_s is None:
            first_call_s = got["seconds"]
        if len(REFUSED) > mark:
            return {"status": "ok", "verdict": "refused", "limit": "audit", "message": "the candidate tried %s" % "; ".join(refused_since(mark)[:3]), "cases": len(usable), "captured": n_captured}
        if isinstance(got["exc"], MemoryError) and not isinstance(want["exc"], MemoryError):
            return {"status": "ok", "verdict": "refused", "limit": "memory", "message": "the candidate ran out of memory under the sandbox's address-space limit on %s" % case["label"], "cases": len(usable), "captured": n_captured}
        if isinstance(got["exc"], OSError) and getattr(got["exc"], "errno", None) == 27 and not isinstance(want["exc"], OSError):
            return {"status": "ok", "verdict": "refused", "limit": "file_size", "message": "the candidate wrote past the sandbox's file-size limit on %s" % case["label"], "cases": len(usable), "captured": n_captured}
        d = compare(cmp, want, got)
        if d is not None and req["reorder_bound"] and want["exc"] is None and got["exc"] is None:
            # a rule that sums in another order: rounding-sized differences are allowed, as
            # large as the original on the inputs' absolute values bounds them
            equal, ratio = within_reorder_bound(cmp, fn_orig, case, want, got, req["seed"], limit * 3)
            if equal:
                d = None
                reordered += 1
                reorder_ratio = max(reorder_ratio, ratio)
        if d is None:
            aw, ag = alias_signature(want), alias_signature(got)
            if aw != ag:
                d = "aliasing: in the original %s; in the candidate %s" % (describe_aliasing(aw), describe_aliasing(ag))
        if d is None and got["exc"] is None:
            try:
                kept.append((case, want, got["value"], fast_copy(got["value"])))
            except Exception:
                pass
        if d is not None:
            return {
                "status": "ok",
                "verdict": "diverged",
                "message": d,
                "counterexample": {
                    "case": case["label"],
                    "input": short_repr(case["args"] if not case["kwargs"] else (case["args"], case["kwargs"]), 400),
                    "expected": describe_outcome(want),
                    "got": describe_outcome(got),
                },
                "cases": len(usable),
                "captured": n_captured,
            }
    phase("candidate")
    untyped = untyped_notes()[untyped_mark:]
    if untyped and not kernel_compiled(req["cand_module"]):
        # every call that reached the kernel ran the original instead: no rewrite at all, and
        # Numba's error is what a repair needs
        first = next((m for m in untyped if m), "")
        lines = [l.strip() for l in first.splitlines() if l.strip()]
        summary = next((l for l in lines if not l.startswith("Failed in ")), lines[0] if lines else "")
        return {"status": "ok", "verdict": "untyped", "calls": len(untyped), "summary": summary, "message": first, "cases": len(usable), "captured": n_captured}
    # results handed out earlier must not change when the function is called again
    for case, want, live, snap in kept:
        if Cmp(0.0, 0.0, True, True).same(snap, live) is not None:
            return {
                "status": "ok",
                "verdict": "diverged",
                "message": "shared mutable state: the result returned for %s changed when the candidate was called again later" % case["label"],
                "counterexample": {"case": case["label"], "input": short_repr(case["args"], 400), "expected": short_repr(snap), "got": "after later calls: " + short_repr(live)},
                "cases": len(usable),
                "captured": n_captured,
            }
    phase("shared_state")
    # the module's doctests, with the candidate in the original's place
    doc = run_doctests(req, fn_cand)
    if doc.get("failure"):
        return {"status": "ok", "verdict": "diverged", "message": doc["failure"], "cases": len(usable), "captured": n_captured}
    phase("doctests")
    # parallel candidates: large inputs, several runs, different thread counts
    race = stress_parallel(req, fn_orig, fn_cand, cmp)
    if race is not None:
        race.update({"status": "ok", "verdict": "diverged", "cases": len(usable), "captured": n_captured})
        return race
    phase("races")
    shapes = sorted({", ".join(shape_of(a) for a in c["args"]) for c in usable if c["source"] == "captured"})
    return {
        "status": "ok",
        "verdict": "equivalent",
        "cases": len(usable),
        "captured": n_captured,
        "generated": len(usable) - n_captured,
        "original_raised": raised,
        "max_abs_err": cmp.max_abs,
        "max_rel_err": cmp.max_rel,
        "reordered": reordered,
        "reorder_ratio": reorder_ratio,
        "coverage": coverage,
        "first_call_s": first_call_s,
        "import_s": import_s,
        "captured_shapes": shapes[:5],
        "boundary": sum(1 for c in usable if " b_" in " " + c["label"]),
        "growth": grown,
        "growth_max_n": grown_n,
        "dropped_slow": len(dropped),
        "dropped_labels": dropped[:6],
        "doctests_run": doc.get("run", 0),
        "doctests_passed": doc.get("passed", 0),
        "phase_s": phases,
    }


def run_doctests(req, fn_cand):
    """Run the module's doctests with the original, then with the candidate swapped in (in the
    module and in each test's globals, so helpers that call the function get the candidate too).
    An example that passes with the original and fails with the candidate is a divergence.
    Returns {"run", "passed", "failure"}: examples run with the candidate in tests that pass
    with the original."""
    import doctest
    import importlib

    name = req["qualname"]
    if "." in name:
        return {}
    try:
        mod = importlib.import_module(req["module"])
        tests = [t for t in doctest.DocTestFinder(exclude_empty=True).find(mod, mod.__name__) if t.examples]
    except Exception:
        return {}
    if not tests:
        return {}
    orig = getattr(mod, name)
    deadline = time.perf_counter() + req["doctest_budget_s"]

    def run(test, fn):
        t = copy.copy(test)
        t.globs = dict(test.globs)
        t.globs[name] = fn
        runner = doctest.DocTestRunner(verbose=False, optionflags=doctest.ELLIPSIS)
        sink = io.StringIO()
        import signal

        old = signal.signal(signal.SIGALRM, _too_slow)
        signal.setitimer(signal.ITIMER_REAL, 10.0)
        setattr(mod, name, fn)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                r = runner.run(t, out=sink.write, clear_globs=False)
            return r.failed, r.attempted, sink.getvalue()
        except TooSlow:
            return None, 0, "ran past 10 s"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
            setattr(mod, name, orig)

    run_n = passed = 0
    for test in tests:
        if time.perf_counter() > deadline:
            break
        base_failed, _, _ = run(test, orig)
        if base_failed != 0:
            continue  # fails (or is too slow) with the original already: no evidence either way
        failed, attempted, log = run(test, fn_cand)
        if failed is None or failed > 0:
            return {"run": run_n + attempted, "passed": passed, "failure": "doctest %s fails with the candidate (passes with the original):\n%s" % (test.name, short_repr(log, 900) if failed is None else log[-900:])}
        run_n += attempted
        passed += attempted
    return {"run": run_n, "passed": passed}



# aiaccel harness, part: the race audit of parallel candidates and their stress run (joined with the other parts into one script at build time: src/python.rs)
_PARALLEL_MARKERS = ("prange", "parallel=True", "parallel = True", "ThreadPool", "concurrent.futures", "threading", "multiprocessing", "guvectorize", "target='parallel'", 'target="parallel"')


def is_parallel(module_name):
    """Whether the candidate's code (not its comments or strings) runs anything in parallel."""
    import tokenize

    mod = sys.modules.get(module_name)
    path = getattr(mod, "__file__", None)
    if not path:
        return False
    try:
        with open(path, "rb") as f:
            # comments and docstrings are prose; short strings stay (`target='parallel'`)
            toks = [
                t.string
                for t in tokenize.tokenize(f.readline)
                if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)
                and not (t.type == tokenize.STRING and len(t.string) > 12)
            ]
    except Exception:
        return True  # unreadable: audit it as parallel rather than skip the audit
    code = " ".join(toks)
    squeezed = code.replace(" ", "")
    return any(m.replace(" ", "") in squeezed for m in _PARALLEL_MARKERS)


def _first_index(node):
    """For a[i][j] or a[i, j]: (base name, first index node)."""
    inner = node
    while isinstance(inner.value, __import__("ast").Subscript):
        inner = inner.value
    import ast

    base = inner.value.id if isinstance(inner.value, ast.Name) else None
    idx = inner.slice
    if isinstance(idx, ast.Tuple) and idx.elts:
        idx = idx.elts[0]
    return base, idx


def prange_races(module_name):
    """Static race audit of every `prange` loop in the candidate module. Shared arrays may be
    written, and read where written, only at an index whose first component is the loop
    variable. A scatter like `counts[idx] += 1` races: correct on one thread, short on several,
    and only visible on big inputs with idle cores, so it is refused by reading the code."""
    import ast

    mod = sys.modules.get(module_name)
    path = getattr(mod, "__file__", None)
    try:
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
    except Exception:
        return []
    problems = []
    for loop in ast.walk(tree):
        if not isinstance(loop, ast.For) or not isinstance(loop.iter, ast.Call):
            continue
        fn = loop.iter.func
        name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", None)
        if name != "prange" or not isinstance(loop.target, ast.Name):
            continue
        var = loop.target.id
        private = set()
        # `row = grid[k]` inside the loop: row is a view of grid at index k, not private
        aliases = {}
        for node in ast.walk(ast.Module(body=loop.body, type_ignores=[])):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Subscript):
                base, idx = _first_index(node.value)
                if base is not None:
                    aliases[node.targets[0].id] = (base, idx)
        for node in ast.walk(ast.Module(body=loop.body, type_ignores=[])):
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For)):
                targets = [node.target]
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name) and isinstance(t, (ast.Name, ast.Tuple)) and n.id not in aliases:
                        private.add(n.id)
        stored = {}
        for node in ast.walk(ast.Module(body=loop.body, type_ignores=[])):
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
                base, idx = _first_index(node)
                if base in aliases:
                    base, idx = aliases[base]
                if base is None or base in private:
                    continue
                stored.setdefault(base, []).append(node)
                if not (isinstance(idx, ast.Name) and idx.id == var):
                    problems.append("line %d: `%s` is written at an index that is not the prange variable `%s` (iterations may write the same element at once)" % (node.lineno, ast.unparse(node), var))
        for node in ast.walk(ast.Module(body=loop.body, type_ignores=[])):
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
                inner = node
                while isinstance(inner.value, ast.Subscript):
                    inner = inner.value
                base, idx = _first_index(node)
                if base in stored and not (isinstance(idx, ast.Name) and idx.id == var):
                    problems.append("line %d: `%s` is read at another iteration's index while the loop writes `%s`" % (node.lineno, ast.unparse(node), base))
    return problems


def stress_parallel(req, fn_orig, fn_cand, cmp):
    """A data race is invisible on 40 elements. For a parallel candidate, grow the input until
    the original takes about half a second (or 10^6 elements), then run the candidate three times
    at full thread count and once single-threaded; every run must match the original."""
    if not is_parallel(req["cand_module"]):
        return None
    races = prange_races(req["cand_module"])
    if races:
        return {"message": "data race in a parallel loop: " + "; ".join(races[:3])}
    try:
        import numba
    except Exception:
        numba = None
    params = req["params"]
    shapes = {p["shape"] for p in params}
    if shapes & {"float_cube", "array3"}:
        ladder = [8, 16, 24, 32]
    elif any(sh.endswith("_matrix") or sh == "array2" for sh in shapes):
        ladder = [32, 64, 128, 256]
    else:
        ladder = [1_000, 10_000, 100_000, 300_000, 1_000_000]
    case = None
    for variant in ("edges", "positive", "random"):
        chosen = None
        for n in ladder:
            gen = Gen(req["seed"] + n)
            gen.edge_toggle = False
            c = {"source": "generated", "label": "stress n=%d %s" % (n, variant), "args": gen_args(params, n, variant, "square", gen), "kwargs": {}}
            want = call(fn_orig, c, req["seed"], 5.0)
            if want["too_slow"] or want["exc"] is not None:
                break
            chosen = (c, want)
            if want["seconds"] > 0.5:
                break
        if chosen is not None:
            case = chosen
            break
    if case is None:
        return None
    c, want = case
    threads = []
    if numba is not None:
        top = numba.config.NUMBA_NUM_THREADS
        threads = [top, top, top, 1]
    else:
        threads = [None, None, None]
    for k in threads:
        if k is not None:
            numba.set_num_threads(k)
        got = call(fn_cand, c, req["seed"])
        d = compare(cmp, want, got)
        if d is not None:
            if numba is not None:
                numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
            return {
                "message": "parallel candidate differs on a large input (%s thread(s)): %s" % (k or "default", d),
                "counterexample": {"case": c["label"], "input": short_repr(c["args"], 200), "expected": describe_outcome(want), "got": describe_outcome(got)},
            }
    if numba is not None:
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    return None



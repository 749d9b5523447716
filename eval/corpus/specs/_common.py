"""Helpers shared by the corpus specs: input builders, a strict deep compare, and the
differential call check every oracle is built on.

Specs import this as ``from _common import ...`` (the specs/ folder is put on sys.path).
Nothing here imports the src/ modules except ``load_src``, which loads a corpus module by
file path for the few specs that need a class defined there.
"""
import contextlib
import copy
import importlib.util
import io
import math
import os
import random
import sys
import time
import types

import numpy as np

RTOL = 1e-9
ATOL = 1e-12

CORPUS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC_DIR = os.path.join(CORPUS_DIR, "src")


# --------------------------------------------------------------------------- inputs

def py_rng(seed):
    return random.Random(seed)


def np_rng(seed):
    return np.random.default_rng(seed)


def float_list(r, n, lo=-1.0, hi=1.0):
    return [r.uniform(lo, hi) for _ in range(n)]


def int_list(r, n, lo=-100, hi=100):
    return [r.randint(lo, hi) for _ in range(n)]


def float_matrix(r, rows, cols, lo=-1.0, hi=1.0):
    return [[r.uniform(lo, hi) for _ in range(cols)] for _ in range(rows)]


def int_matrix(r, rows, cols, lo=-9, hi=9):
    return [[r.randint(lo, hi) for _ in range(cols)] for _ in range(rows)]


def spd_matrix(r, n):
    """Symmetric, strictly diagonally dominant (so positive definite) nested-list matrix."""
    m = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i):
            v = r.uniform(-1.0, 1.0)
            m[i][j] = v
            m[j][i] = v
    for i in range(n):
        m[i][i] = sum(abs(v) for v in m[i]) + 1.0 + r.random()
    return m


def dominant_matrix(r, n):
    """Strictly diagonally dominant nested-list matrix (LU without pivoting is stable)."""
    m = float_matrix(r, n, n)
    for i in range(n):
        m[i][i] = sum(abs(v) for v in m[i]) + 1.0
    return m


def to_array(x):
    return np.asarray(x, dtype=np.float64)


# --------------------------------------------------------------------------- compare

def _is_float_scalar(x):
    return isinstance(x, (float, np.floating))


def _float_close(a, b, rtol, atol):
    a = float(a)
    b = float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= atol + rtol * abs(b)


def assert_same(got, exp, path="result", rtol=RTOL, atol=ATOL):
    """Strict structural equality: identical types at every level (list vs tuple vs ndarray,
    int vs float vs numpy scalar), ndarray dtype and shape, ints/bools/str/bytes exact, floats
    within rtol/atol with NaN == NaN and infinities exact, plain objects by their __dict__.
    ``got`` is the value under test, ``exp`` the expected one (the tolerance is relative to it).
    """
    tg, te = type(got), type(exp)
    if tg is not te:
        raise AssertionError(f"{path}: type {tg.__module__}.{tg.__qualname__} != expected "
                             f"{te.__module__}.{te.__qualname__}")
    if isinstance(exp, np.ndarray):
        if got.dtype != exp.dtype:
            raise AssertionError(f"{path}: dtype {got.dtype} != expected {exp.dtype}")
        if got.shape != exp.shape:
            raise AssertionError(f"{path}: shape {got.shape} != expected {exp.shape}")
        if exp.dtype.kind in "fc":
            ok = np.isclose(got, exp, rtol=rtol, atol=atol, equal_nan=True)
            if not ok.all():
                idx = tuple(int(i) for i in np.argwhere(~ok)[0])
                raise AssertionError(f"{path}{list(idx)}: {got[idx]!r} != expected {exp[idx]!r} "
                                     f"({int((~ok).sum())} of {ok.size} elements differ)")
        elif exp.dtype.kind == "O":
            for idx in np.ndindex(exp.shape):
                assert_same(got[idx], exp[idx], f"{path}{list(idx)}", rtol, atol)
        else:
            if not np.array_equal(got, exp):
                idx = tuple(int(i) for i in np.argwhere(got != exp)[0])
                raise AssertionError(f"{path}{list(idx)}: {got[idx]!r} != expected {exp[idx]!r}")
        return
    if _is_float_scalar(exp):
        if not _float_close(got, exp, rtol, atol):
            raise AssertionError(f"{path}: {got!r} != expected {exp!r}")
        return
    if isinstance(exp, (complex, np.complexfloating)):
        if not (_float_close(got.real, exp.real, rtol, atol)
                and _float_close(got.imag, exp.imag, rtol, atol)):
            raise AssertionError(f"{path}: {got!r} != expected {exp!r}")
        return
    if isinstance(exp, (list, tuple)):
        if len(got) != len(exp):
            raise AssertionError(f"{path}: length {len(got)} != expected {len(exp)}")
        for i, (g, e) in enumerate(zip(got, exp)):
            assert_same(g, e, f"{path}[{i}]", rtol, atol)
        return
    if isinstance(exp, dict):
        if list(got.keys()) != list(exp.keys()):
            raise AssertionError(f"{path}: keys {list(got.keys())!r} != expected {list(exp.keys())!r}")
        for k in exp:
            assert_same(got[k], exp[k], f"{path}[{k!r}]", rtol, atol)
        return
    if isinstance(exp, (bool, int, str, bytes, bytearray, np.integer, np.bool_, type(None),
                        set, frozenset)):
        if got != exp:
            raise AssertionError(f"{path}: {got!r} != expected {exp!r}")
        return
    if isinstance(exp, (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                        types.ModuleType, type)):
        if got is not exp:
            raise AssertionError(f"{path}: {got!r} is not {exp!r}")
        return
    if hasattr(exp, "__dict__"):
        assert_same(vars(got), vars(exp), f"{path}.__dict__", rtol, atol)
        return
    if got != exp:
        raise AssertionError(f"{path}: {got!r} != expected {exp!r}")


def assert_inputs_equal(a, b):
    """Exact equality of two make_inputs results (determinism check)."""
    assert_same(a, b, "inputs", rtol=0.0, atol=0.0)


def assert_close_ref(got, ref, what, rtol=1e-7, atol=1e-9):
    """Loose numeric comparison of the ORIGINAL's output against an independent reference
    (numpy formula, stdlib, brute force). Types are not checked here."""
    g = np.asarray(got, dtype=np.float64)
    r = np.asarray(ref, dtype=np.float64)
    if g.shape != r.shape:
        raise AssertionError(f"reference check {what}: shape {g.shape} != reference {r.shape}")
    ok = np.isclose(g, r, rtol=rtol, atol=atol, equal_nan=True)
    if not ok.all():
        idx = tuple(int(i) for i in np.argwhere(~ok)[0])
        raise AssertionError(f"reference check {what}: original gives {g[idx]!r} at {list(idx)}, "
                             f"reference {r[idx]!r} (the oracle or the original is wrong)")


# --------------------------------------------------------------------------- calls

class Outcome:
    __slots__ = ("result", "exc", "args", "stdout", "aliases")

    def __init__(self, result, exc, args, stdout, aliases=()):
        self.result = result
        self.exc = exc
        self.args = args
        self.stdout = stdout
        self.aliases = aliases


_MUTABLE = (list, dict, set, bytearray, np.ndarray)


def _containers(x, path, out, budget):
    """(path, object) for every mutable container reachable from x (depth first, bounded)."""
    if budget[0] <= 0:
        return
    budget[0] -= 1
    if isinstance(x, (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                      types.ModuleType, type)):
        return
    is_obj = hasattr(x, "__dict__") and not isinstance(x, _MUTABLE)
    if isinstance(x, _MUTABLE) or is_obj:
        out.append((path, x))
    if isinstance(x, (list, tuple)):
        for i, item in enumerate(x):
            if not isinstance(item, (int, float, complex, str, bytes, bool, type(None))):
                _containers(item, f"{path}[{i}]", out, budget)
    elif isinstance(x, dict):
        for k, v in x.items():
            _containers(v, f"{path}[{k!r}]", out, budget)
    elif is_obj:
        for k, v in vars(x).items():
            _containers(v, f"{path}.{k}", out, budget)


def alias_signature(result, args):
    """Which mutable parts of the return value are (or view) argument objects, or repeat an
    earlier part of the return value (e.g. rows of a nested list that are one shared list).
    Two behaviours are only equal if these match: aliasing is observable by later mutation."""
    arg_parts = []
    _containers(tuple(args), "args", arg_parts, [200000])
    by_id = {id(obj): p for p, obj in arg_parts}
    arrays = [(p, obj) for p, obj in arg_parts if isinstance(obj, np.ndarray)]
    res_parts = []
    _containers(result, "result", res_parts, [200000])
    seen = {}
    sig = []
    for p, obj in res_parts:
        if id(obj) in by_id:
            sig.append((p, "is " + by_id[id(obj)]))
        elif id(obj) in seen:
            sig.append((p, "is " + seen[id(obj)]))
        elif isinstance(obj, np.ndarray) and any(np.shares_memory(obj, a) for _, a in arrays):
            sig.append((p, "shares memory with an argument"))
        seen.setdefault(id(obj), p)
    return tuple(sig)


def run_captured(fn, args):
    """Call fn on a deep copy of args; return the result, the exception (if any), the argument
    copies after the call, what was printed and how the result aliases the arguments."""
    call_args = copy.deepcopy(args)
    buf = io.StringIO()
    result = None
    exc = None
    with contextlib.redirect_stdout(buf):
        try:
            result = fn(*call_args)
        except Exception as e:  # noqa: BLE001 - the exception type is part of the behaviour
            exc = e
    aliases = alias_signature(result, call_args) if exc is None else ()
    return Outcome(result, exc, call_args, buf.getvalue(), aliases)


def compare_calls(candidate, original, args, label, rtol=RTOL, atol=ATOL):
    """Run both on deep copies of args and assert the same observable behaviour: exception type,
    return value (strict types), every argument after the call, aliasing between the return
    value and the arguments (or within the return value), stdout. Returns the original's
    Outcome so the caller can check it against a reference."""
    exp = run_captured(original, args)
    got = run_captured(candidate, args)
    if exp.exc is not None or got.exc is not None:
        if got.exc is None:
            raise AssertionError(f"{label}: original raised {type(exp.exc).__name__}({exp.exc}) "
                                 f"but candidate returned {got.result!r:.200}")
        if exp.exc is None:
            raise AssertionError(f"{label}: candidate raised {type(got.exc).__name__}({got.exc}) "
                                 f"but original returned {exp.result!r:.200}")
        if type(got.exc) is not type(exp.exc):
            raise AssertionError(f"{label}: candidate raised {type(got.exc).__name__}, original "
                                 f"raised {type(exp.exc).__name__}")
    else:
        assert_same(got.result, exp.result, f"{label}: return value", rtol, atol)
    for i, (g, e) in enumerate(zip(got.args, exp.args)):
        assert_same(g, e, f"{label}: argument {i} after the call", rtol, atol)
    if got.aliases != exp.aliases:
        raise AssertionError(f"{label}: aliasing differs: candidate {list(got.aliases)[:3]} vs "
                             f"original {list(exp.aliases)[:3]}")
    if got.stdout != exp.stdout:
        raise AssertionError(f"{label}: stdout differs: {got.stdout[:200]!r} != expected "
                             f"{exp.stdout[:200]!r}")
    return exp


def compare_all(candidate, original, cases, rtol=RTOL, atol=ATOL):
    """compare_calls over a list of (label, args) pairs; returns the original Outcomes."""
    return [compare_calls(candidate, original, args, label, rtol, atol) for label, args in cases]


def expect_ok(outcome, label):
    if outcome.exc is not None:
        raise AssertionError(f"{label}: original raised {type(outcome.exc).__name__}: {outcome.exc}")
    return outcome


def expect_raises(outcome, exc_type, label):
    if not isinstance(outcome.exc, exc_type):
        raise AssertionError(f"{label}: original was expected to raise {exc_type.__name__}, got "
                             f"{type(outcome.exc).__name__ if outcome.exc else 'no exception'}")


# --------------------------------------------------------------------------- misc

def load_src(name):
    """The corpus module src/<name>.py (for specs that need a class defined there). Reuses an
    already imported module of that name when it is the same file."""
    path = os.path.join(SRC_DIR, name + ".py")
    mod = sys.modules.get(name)
    if mod is not None and os.path.abspath(getattr(mod, "__file__", "") or "") == path:
        return mod
    key = "_aiaccel_corpus_src_" + name
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[key] = mod
    spec.loader.exec_module(mod)
    return mod


def time_call(fn, args, repeat=1):
    """Best wall time in seconds of fn(*deepcopy(args)) over `repeat` calls (copy not timed)."""
    best = math.inf
    for _ in range(repeat):
        call_args = copy.deepcopy(args)
        t0 = time.perf_counter()
        fn(*call_args)
        best = min(best, time.perf_counter() - t0)
    return best

# aiaccel harness, part: calling (own copies, time and memory limits) and comparing outcomes (joined with the other parts into one script at build time: src/python.rs)
# ---------------------------------------------------------------- calling and comparing


def seed_all(seed):
    random.seed(seed)
    try:
        import numpy as np

        np.random.seed(seed % (2**32))
    except Exception:
        pass


class TooSlow(KeyboardInterrupt):
    """The call ran past its time limit. A KeyboardInterrupt, so neither the code under test's
    `except Exception` nor doctest's runner (which re-raises only KeyboardInterrupt) swallows it."""


def _too_slow(signum, frame):
    raise TooSlow()


@contextlib.contextmanager
def memory_headroom(extra_bytes):
    """Lower the address-space limit to what the process uses now plus `extra_bytes` (never
    above the sandbox's own limit), so an input that makes the original allocate without end
    (`[[1] * k for _ in range(2**53)]`) ends in a MemoryError, not in a process killed at 8 GiB."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm") as f:
            used = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        cap = used + extra_bytes
        if soft != resource.RLIM_INFINITY:
            cap = min(cap, soft)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except Exception:
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def shares_objects(vals):
    """Whether a list (a row of a nested list included) or an ndarray occurs twice among vals."""
    seen = set()
    stack = list(vals)
    while stack:
        v = stack.pop()
        t = type(v)
        if t is list or (t.__module__ == "numpy" and t.__name__ == "ndarray"):
            if id(v) in seen:
                return True
            seen.add(id(v))
            if t is list and v and type(v[0]) is list:
                stack.extend(v)
    return False


def call(fn, case, seed, limit_s=None):
    """Run fn on its own deep copy of the case (every run, so a function that changes its
    arguments in place never sees what an earlier run left). Returns an outcome dict; with
    `limit_s`, a call still running after that many seconds is stopped and marked too_slow."""
    if shares_objects(list(case["args"]) + list(case["kwargs"].values())):
        # one copy of the whole call keeps the sharing: `[[0] * 3] * 3`, or f(x, x)
        args, kwargs = copy.deepcopy((list(case["args"]), dict(case["kwargs"])))
    else:
        args = [fast_copy(a) for a in case["args"]]
        kwargs = {n: fast_copy(a) for n, a in case["kwargs"].items()}
    buf = io.StringIO()
    seed_all(seed)
    pos = fd1_size()
    too_slow = False
    old_handler = None
    if limit_s:
        import signal

        old_handler = signal.signal(signal.SIGALRM, _too_slow)
        signal.setitimer(signal.ITIMER_REAL, limit_s)
    t0 = time.perf_counter()
    try:
        with contextlib.redirect_stdout(buf), (memory_headroom(2 << 30) if limit_s else contextlib.nullcontext()):
            value = fn(*args, **kwargs)
        exc = None
    except TooSlow:
        value, exc, too_slow = None, None, True
    except MemoryError as e:
        # with a limit (the original on a generated input): too big to run here, dropped like
        # a too-slow input; otherwise the exception is the function's behaviour
        value, exc, too_slow = (None, None, True) if limit_s else (None, e, False)
    except Exception as e:  # the function's own exception is part of its behaviour
        value = None
        exc = e
    finally:
        if limit_s:
            import signal

            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler)
    dt = time.perf_counter() - t0
    out = buf.getvalue()
    raw = fd1_since(pos)
    if raw:
        out += "[written to fd 1 directly:] " + raw
    if len(out) > 1_000_000:
        out = out[:1_000_000] + "...(truncated)"
    return {"value": value, "exc": exc, "args": args, "kwargs": kwargs, "stdout": out, "seconds": dt, "too_slow": too_slow}


class Cmp:
    def __init__(self, rtol, atol, nan_equal, signed_zero, exception_message=False):
        self.rtol, self.atol, self.nan_equal, self.signed_zero = rtol, atol, nan_equal, signed_zero
        self.exception_message = exception_message
        self.max_abs = 0.0
        self.max_rel = 0.0

    def floats(self, a, b, path):
        if math.isnan(a) or math.isnan(b):
            if math.isnan(a) and math.isnan(b) and self.nan_equal:
                return None
            return "%s: %r vs %r" % (path, a, b)
        if math.isinf(a) or math.isinf(b):
            return None if a == b else "%s: %r vs %r" % (path, a, b)
        if self.signed_zero and a == 0.0 and b == 0.0 and math.copysign(1, a) != math.copysign(1, b):
            return "%s: %r vs %r (sign of zero)" % (path, a, b)
        d = abs(a - b)
        scale = max(abs(a), abs(b))
        self.max_abs = max(self.max_abs, d)
        if scale > 0:
            self.max_rel = max(self.max_rel, d / scale)
        if d <= self.atol + self.rtol * scale:
            return None
        return "%s: %r vs %r (abs err %.3g, rel err %.3g)" % (path, a, b, d, d / scale if scale else d)

    def same(self, a, b, path="value"):
        """None when equal, else a description of the first difference."""
        ta, tb = type(a), type(b)
        if ta is not tb:
            if same_class(ta, tb):
                return self.same_record(a, b, path)
            return "%s: type %s vs %s (%s vs %s)" % (path, _tname(a), _tname(b), short_repr(a, 80), short_repr(b, 80))
        if a is None:
            return None
        if ta is float:
            return self.floats(a, b, path)
        if ta in (int, bool, str, bytes, bytearray):
            return None if a == b else "%s: %s vs %s" % (path, short_repr(a, 80), short_repr(b, 80))
        if ta is complex:
            return self.floats(a.real, b.real, path + ".real") or self.floats(a.imag, b.imag, path + ".imag")
        if ta in (list, tuple):
            if len(a) != len(b):
                return "%s: length %d vs %d" % (path, len(a), len(b))
            for i, (x, y) in enumerate(zip(a, b)):
                d = self.same(x, y, "%s[%d]" % (path, i))
                if d:
                    return d
            return None
        if ta is dict or ta is InstanceState:
            if list(a.keys()) != list(b.keys()):
                return "%s: keys %s vs %s" % (path, short_repr(list(a.keys()), 80), short_repr(list(b.keys()), 80))
            for k in a:
                d = self.same(a[k], b[k], "%s[%r]" % (path, k))
                if d:
                    return d
            return None
        if ta in (set, frozenset):
            return None if a == b else "%s: %s vs %s" % (path, short_repr(a, 80), short_repr(b, 80))
        mod = ta.__module__ or ""
        if mod == "numpy" or mod.startswith("numpy."):
            import numpy as np

            if isinstance(a, np.ndarray):  # ndarray and its subclasses (matrix, masked), same type
                if a.dtype != b.dtype:
                    return "%s: dtype %s vs %s" % (path, a.dtype, b.dtype)
                if a.shape != b.shape:
                    return "%s: shape %s vs %s" % (path, a.shape, b.shape)
                return self.same(a.tolist(), b.tolist(), path)
            if isinstance(a, np.generic):  # numpy scalar of the same type
                return self.same(a.item(), b.item(), path)
        if ta.__eq__ is object.__eq__ and _is_record(a):
            # a plain record class (no __eq__ of its own): equal when its fields are, not only
            # when it is the same object
            return self.same_record(a, b, path)
        try:
            eq = a == b
            if eq is True:
                return None
        except Exception:
            pass
        return None if short_repr(a, 10_000) == short_repr(b, 10_000) else "%s: %s vs %s" % (path, short_repr(a, 80), short_repr(b, 80))


    def same_record(self, a, b, path):
        """Instances of one class defined in the module under test, one made by the original's
        module and one by the candidate's copy of it: compared by value, field by field."""
        import enum

        if isinstance(a, enum.Enum):
            return None if (a.name, a.value) == (b.name, b.value) else "%s: %r vs %r" % (path, a, b)
        if isinstance(a, BaseException):
            return self.same(a.args, b.args, path + ".args")
        if isinstance(a, tuple):  # namedtuples
            d = self.same(tuple(a), tuple(b), path)
            if d:
                return d
        fields_a, fields_b = _fields(a), _fields(b)
        if sorted(fields_a) != sorted(fields_b):
            return "%s: fields %s vs %s" % (path, sorted(fields_a), sorted(fields_b))
        for k in sorted(fields_a):
            d = self.same(fields_a[k], fields_b[k], "%s.%s" % (path, k))
            if d:
                return d
        return None


def _module_base(name):
    """`pkg.mod__aiaccel_c3` -> `pkg.mod`, `pkg.__aiaccel_c3` -> `pkg`: the module a candidate
    copy stands in for."""
    import re

    return re.sub(r"(\.)?__aiaccel_c\d+$", "", name or "")


def same_class(ta, tb):
    """The same class, defined once in the original module and once in the candidate's copy."""
    return (
        getattr(ta, "__qualname__", None) == getattr(tb, "__qualname__", None)
        and ta.__module__ != tb.__module__
        and _module_base(ta.__module__) == _module_base(tb.__module__)
    )


def _is_record(x):
    """An instance of a plain class of the user's (fields, no behaviour the comparison needs):
    not a function, a class, a module or a builtin object."""
    t = type(x)
    return t.__module__ not in ("builtins", "types", "abc") and not callable(x) and not isinstance(x, type) and (hasattr(x, "__dict__") or hasattr(t, "__slots__"))


def _fields(x):
    out = dict(getattr(x, "__dict__", {}) or {})
    for cls in type(x).__mro__:
        for slot in getattr(cls, "__slots__", ()) or ():
            if isinstance(slot, str) and slot not in ("__dict__", "__weakref__") and hasattr(x, slot):
                out[slot] = getattr(x, slot)
    return out


def _tname(x):
    t = type(x)
    return t.__name__ if t.__module__ == "builtins" else "%s.%s" % (t.__module__, t.__name__)


def compare(cmp, want, got):
    """Compare two call outcomes; None when equivalent."""
    if want["exc"] is not None or got["exc"] is not None:
        if want["exc"] is None:
            return "candidate raised %s: %s; original returned %s" % (type(got["exc"]).__name__, short_repr(str(got["exc"]), 200), short_repr(want["value"], 120))
        if got["exc"] is None:
            return "original raised %s: %s; candidate returned %s" % (type(want["exc"]).__name__, short_repr(str(want["exc"]), 200), short_repr(got["value"], 120))
        if type(want["exc"]) is not type(got["exc"]) and not same_class(type(want["exc"]), type(got["exc"])):
            return "exception type: original raised %s, candidate raised %s: %s" % (type(want["exc"]).__name__, type(got["exc"]).__name__, short_repr(str(got["exc"]), 200))
        if cmp.exception_message and str(want["exc"]) != str(got["exc"]):
            return "exception message: original %r, candidate %r" % (short_repr(str(want["exc"]), 150), short_repr(str(got["exc"]), 150))
    else:
        d = cmp.same(want["value"], got["value"], "return value")
        if d:
            return d
    for i, (x, y) in enumerate(zip(want["args"], got["args"])):
        d = cmp.same(x, y, "argument %d after the call" % i)
        if d:
            return d
    for k in want["kwargs"]:
        d = cmp.same(want["kwargs"][k], got["kwargs"][k], "argument %s after the call" % k)
        if d:
            return d
    if want["stdout"] != got["stdout"]:
        return "stdout: %s vs %s" % (short_repr(want["stdout"], 120), short_repr(got["stdout"], 120))
    return None


_MUTABLE = (list, dict, set, bytearray)


def _containers(x, path, out, depth=0):
    """Mutable containers reachable from x (two levels down), by id -> path."""
    t = type(x)
    is_nd = t.__module__ == "numpy" and t.__name__ == "ndarray"
    if isinstance(x, _MUTABLE) or is_nd:
        out.setdefault(id(x), (path, x))
    if depth >= 2 or is_nd:
        return
    if t in (list, tuple):
        for i, y in enumerate(x[:64]):
            _containers(y, "%s[%d]" % (path, i), out, depth + 1)
    elif t is dict or t is InstanceState:
        for i, (k, y) in enumerate(x.items()):
            if i >= 64:
                break
            _containers(y, "%s[%r]" % (path, k), out, depth + 1)
    elif _is_record(x):
        # a record's (or an instance's) attributes: `return p.row` returns the record's own list
        for i, (k, y) in enumerate(_fields(x).items()):
            if i >= 64:
                break
            _containers(y, "%s.%s" % (path, k), out, depth + 1)


def alias_signature(o):
    """Which parts of the return value ARE (or share memory with) the arguments. A rewrite that
    returns the caller's list itself, where the original built a new one, is not equivalent:
    writing to the result would change the input."""
    if o["exc"] is not None:
        return ()
    ins = {}
    for i, a in enumerate(o["args"]):
        _containers(a, "argument %d" % i, ins)
    for k, a in o["kwargs"].items():
        _containers(a, "argument %s" % k, ins)
    outs = {}
    _containers(o["value"], "return value", outs)
    sig = set()
    arrays_in = [(p, x) for p, x in ins.values() if type(x).__name__ == "ndarray"]
    for oid, (p, x) in outs.items():
        if oid in ins:
            sig.add((p, ins[oid][0]))
        elif type(x).__name__ == "ndarray" and arrays_in:
            import numpy as np

            for ap, a in arrays_in:
                if np.shares_memory(x, a):
                    sig.add((p, ap))
    return tuple(sorted(sig))


def describe_aliasing(sig):
    return ", ".join("%s is %s" % pair for pair in sig) or "no part of the result is an argument"


def describe_outcome(o):
    if o["exc"] is not None:
        return "raises %s: %s" % (type(o["exc"]).__name__, short_repr(str(o["exc"]), 160))
    return short_repr(o["value"])


def shape_of(x, depth=0):
    """A short description of an argument's type and size, for reports."""
    t = type(x)
    if t in (list, tuple):
        inner = shape_of(x[0], depth + 1) if len(x) else "?"
        return "%s[%d]%s" % (t.__name__, len(x), "" if inner == "?" else " of " + inner) if depth < 2 else "%s[%d]" % (t.__name__, len(x))
    if t.__module__ == "numpy" and t.__name__ == "ndarray":
        return "ndarray%s %s" % (list(x.shape), x.dtype)
    if t is InstanceState:
        # a generated instance of a method's class: its attributes' shapes
        return "self(%s)" % ", ".join("%s: %s" % (k, shape_of(v, 1)) for k, v in list(x.items())[:4])
    return t.__name__



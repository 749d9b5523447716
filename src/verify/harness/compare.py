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




# ---------------------------------------------------------------- reordered sums
#
# A rewrite that sums in another order (np.sum's pairwise sums, BLAS's blocked dot products)
# differs from the loop by rounding alone. For a polynomial in the inputs (sums of products),
# every evaluation order is within gamma_k * p(|x|) of the exact value, where p(|x|) is the same
# computation on the inputs' absolute values and gamma_k = k*u / (1 - k*u) for k operations on
# one path (Higham, Accuracy and Stability of Numerical Algorithms, 3.1). Two orders are then
# within 2 * gamma_k * p(|x|) of each other: that much is allowed, element by element, besides
# rtol; p(|x|) is the original run on the absolute values. A difference past it is a real one.
#     [1e16, 1.0, 1.0, -1e16]: the loop gives 0.0, pairwise sums 2.0; p(|x|) = 2e16 allows it


def abs_inputs(x, memo=None):
    """A copy of a call's inputs with every float (Python float, NumPy float scalar, float or
    complex ndarray) replaced by its absolute value; ints, bools and the rest as they are. Rows
    shared between lists stay shared."""
    if memo is None:
        memo = {}
    if id(x) in memo:
        return memo[id(x)]
    t = type(x)
    if t is float:
        return abs(x)
    if t is list or t is tuple:
        out = [] if t is list else None
        if out is not None:
            memo[id(x)] = out
            out.extend(abs_inputs(v, memo) for v in x)
            return out
        return tuple(abs_inputs(v, memo) for v in x)
    mod = t.__module__ or ""
    if mod == "numpy" or mod.startswith("numpy."):
        import numpy as np

        if t is np.ndarray and x.dtype.kind in "fc":
            y = np.abs(x).astype(x.dtype if x.dtype.kind == "f" else np.float64)
            memo[id(x)] = y
            return y
        if isinstance(x, np.floating):
            return abs(x)
    return x


def float_count(x, depth=0):
    """How many floats the inputs hold (the length of the longest sum they can make)."""
    t = type(x)
    if t is float:
        return 1
    if (t is list or t is tuple) and depth < 4:
        return sum(float_count(v, depth + 1) for v in x)
    if t.__module__ == "numpy" and t.__name__ == "ndarray" and x.dtype.kind in "fc":
        return int(x.size)
    return 0


class ReorderBound:
    """compare() with float differences allowed up to 2*gamma*|p| element by element, where p
    is the original's outcome on the absolute values of the inputs (`bound`)."""

    def __init__(self, cmp, gamma):
        self.cmp, self.gamma = cmp, gamma
        self.max_ratio = 0.0  # the largest difference seen, as a fraction of what was allowed

    def compare(self, want, got, bound):
        if want["exc"] is not None or got["exc"] is not None or bound["exc"] is not None:
            return compare(self.cmp, want, got)
        d = self.same(want["value"], got["value"], bound["value"], "return value")
        if d:
            return d
        for i, (x, y, r) in enumerate(zip(want["args"], got["args"], bound["args"])):
            d = self.same(x, y, r, "argument %d after the call" % i)
            if d:
                return d
        for k in want["kwargs"]:
            d = self.same(want["kwargs"][k], got["kwargs"][k], bound["kwargs"].get(k), "argument %s after the call" % k)
            if d:
                return d
        if want["stdout"] != got["stdout"]:
            return "stdout: %s vs %s" % (short_repr(want["stdout"], 120), short_repr(got["stdout"], 120))
        return None

    def allowed(self, r):
        return 2.0 * self.gamma * abs(r) if math.isfinite(r) else 0.0

    def same(self, a, b, r, path):
        cmp = self.cmp
        ta = type(a)
        if ta is not type(b):
            return cmp.same(a, b, path)
        if ta is float and type(r) is float:
            if math.isfinite(a) and math.isfinite(b):
                d = abs(a - b)
                room = cmp.atol + cmp.rtol * max(abs(a), abs(b)) + self.allowed(r)
                if d <= room:
                    if d > 0:
                        self.max_ratio = max(self.max_ratio, d / room)
                    return None
            return cmp.same(a, b, path)
        if (ta is list or ta is tuple) and type(r) is ta and len(a) == len(b) == len(r):
            for i, (x, y, z) in enumerate(zip(a, b, r)):
                d = self.same(x, y, z, "%s[%d]" % (path, i))
                if d:
                    return d
            return None
        mod = ta.__module__ or ""
        if mod == "numpy" or mod.startswith("numpy."):
            import numpy as np

            if ta is np.ndarray and type(r) is np.ndarray and a.dtype == b.dtype and a.dtype.kind == "f" and a.shape == b.shape == r.shape:
                with np.errstate(all="ignore"):
                    fa, fb, fr = a.astype(np.float64), b.astype(np.float64), np.abs(r.astype(np.float64))
                    room = cmp.atol + cmp.rtol * np.maximum(np.abs(fa), np.abs(fb)) + np.where(np.isfinite(fr), 2.0 * self.gamma * fr, 0.0)
                    diff = np.abs(fa - fb)
                    ok = (fa == fb) | (np.isfinite(fa) & np.isfinite(fb) & (diff <= room))
                    if cmp.nan_equal:
                        ok |= np.isnan(fa) & np.isnan(fb)
                if ok.all():
                    pos = diff[np.isfinite(diff) & (room > 0)]
                    if pos.size:
                        self.max_ratio = max(self.max_ratio, float((diff / np.where(room > 0, room, 1.0))[np.isfinite(diff)].max()))
                    return None
                at = tuple(int(v) for v in np.argwhere(~ok)[0])
                return "%s%s: %r vs %r (differs by %.3g, past the %.3g a change of summation order allows)" % (path, list(at), fa[at], fb[at], diff[at], room[at])
            if isinstance(a, np.floating) and isinstance(r, np.floating):
                return self.same(float(a), float(b), float(r), path) if type(a) is type(b) else cmp.same(a, b, path)
        return cmp.same(a, b, path)


def within_reorder_bound(cmp, fn_orig, case, want, got, seed, limit_s=None):
    """For a candidate that sums in another order: (True, ratio) when `got` differs from `want`
    by no more than that explains on this case, the bound coming from the original run again on
    the inputs' absolute values (ratio: the largest difference as a fraction of it); else
    (False, 0.0)."""
    bound_case = dict(case, args=abs_inputs(list(case["args"])), kwargs={k: abs_inputs(v) for k, v in case["kwargs"].items()})
    bound = call(fn_orig, bound_case, seed, limit_s)
    if bound["too_slow"]:
        return False, 0.0
    rb = ReorderBound(cmp, reorder_gamma(case))
    return rb.compare(want, got, bound) is None, rb.max_ratio


def reorder_gamma(case):
    """gamma_k for k = the floats among the inputs (the longest sum they make) plus slack for
    the operations around it."""
    k = float_count(list(case["args"]) + list(case["kwargs"].values())) + 64
    u = 2.0 ** -53
    return k * u / (1 - k * u)

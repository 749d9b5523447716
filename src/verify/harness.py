"""aiaccel harness: runs inside the user's Python, in a temp copy of the HEAD snapshot.

One JSON request on stdin, one tagged JSON reply on stdout (a line starting with @@AIACCEL@@).
Modes:
  probe    versions of python / numpy / numba / pytest
  capture  run the repo's tests with a profile hook; record calls of target functions
  verify   original vs one candidate on captured + generated inputs (differential test)
  bench    original vs one candidate, interleaved, on growing sizes

It must never write outside the snapshot dir and the paths it is given, and never let the
code under test write to the real stdout (that channel carries the reply).
"""

import copy
import io
import json
import math
import os
import pickle
import random
import statistics
import sys
import time
import traceback
import contextlib

TAG = "@@AIACCEL@@"  # aiaccel sends a per-run tag with a nonce; a forged reply is not believed
_REAL_STDOUT = sys.stdout


def reply(obj):
    _REAL_STDOUT.write(TAG + json.dumps(obj, default=repr) + "\n")
    _REAL_STDOUT.flush()


# ---------------------------------------------------------------- sandbox (issue #6)
#
# The kernel side (rlimits, network namespace, process group, scrubbed env, temp HOME) is set up
# by aiaccel before exec. This audit hook is the part that holds in any case: it refuses sockets,
# new processes, signals to other processes and writes outside the allowed roots. Each refusal
# is recorded; code that catches the PermissionError and carries on is still caught.

REFUSED = []  # (what, detail), in order


class SandboxRefusal(PermissionError):
    pass


_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_PATH_EVENTS = {
    "os.remove": 1, "os.rmdir": 1, "os.mkdir": 1, "os.chmod": 1, "os.chown": 1, "os.truncate": 1,
    "os.utime": 1, "os.setxattr": 1, "os.removexattr": 1, "shutil.rmtree": 1, "os.chflags": 1,
    "os.rename": 2, "os.link": 2, "os.symlink": 2,
}
_PROCESS_EVENTS = {"os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "subprocess.Popen", "pty.spawn", "os.startfile"}
_NET_EVENTS = {"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo"}


def install_sandbox(cfg):
    roots = [os.path.realpath(r) for r in cfg.get("write_roots", [])]
    allowed_files = {"/dev/null", "/dev/zero", "/dev/urandom", "/dev/random"}
    me = os.getpid()
    busy = [False]

    def inside(path):
        if isinstance(path, int):
            return True  # an fd we already hold
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        path = os.fspath(path)
        full = os.path.realpath(os.path.join(os.getcwd(), path))
        if full in allowed_files:
            return True
        return any(full == r or full.startswith(r + os.sep) for r in roots)

    def refuse(what, detail):
        REFUSED.append((what, detail))
        raise SandboxRefusal("aiaccel sandbox: %s refused (%s)" % (what, detail))

    def hook(event, args):
        if busy[0]:
            return
        if event == "open":
            path, mode, flags = (list(args) + [None, None, None])[:3]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (isinstance(flags, int) and flags & _WRITE_FLAGS)
            if not writing or path is None:
                return
            busy[0] = True
            try:
                ok = inside(path)
            finally:
                busy[0] = False
            if not ok:
                refuse("writing a file outside the temp dir", str(path)[:200])
        elif event in _PATH_EVENTS:
            busy[0] = True
            try:
                paths = [a for a in args[: _PATH_EVENTS[event]] if isinstance(a, (str, bytes, os.PathLike))]
                ok = all(inside(p) for p in paths)
            finally:
                busy[0] = False
            if not ok:
                refuse(event + " outside the temp dir", " ".join(str(p)[:120] for p in paths))
        elif event in _PROCESS_EVENTS:
            refuse("starting a process", event)
        elif event in ("os.kill", "os.killpg"):
            pid = args[0] if args else None
            if event == "os.kill" and pid in (me, 0) or (event == "os.killpg" and pid == os.getpgrp()):
                return
            refuse("signalling another process", "%s(%r)" % (event, tuple(args)))
        elif event == "socket.__new__":
            family = args[1] if len(args) > 1 else None
            import socket as _s

            if family not in (getattr(_s, "AF_UNIX", -1),):
                refuse("opening a network socket", "family %r" % (family,))
        elif event in _NET_EVENTS:
            refuse("network access", "%s %s" % (event, short_repr(args[1:] if event.startswith("socket.") and len(args) > 1 else args, 120)))

    sys.addaudithook(hook)


def network_isolated():
    """True when this process sits in a network namespace with nothing but loopback."""
    try:
        import socket

        return [n for _, n in socket.if_nameindex()] in (["lo"], [])
    except Exception:
        return False


_FD1_LOG = None  # under the sandbox, fd 1 goes to this file: output written past sys.stdout is still seen


def divert_fd1():
    """Keep a private copy of the reply channel and point fd 1 at a file in the temp dir."""
    global _REAL_STDOUT, _FD1_LOG
    reply_fd = os.dup(1)
    _REAL_STDOUT = os.fdopen(reply_fd, "w", closefd=True)
    tmp = os.environ.get("TMPDIR") or os.getcwd()
    _FD1_LOG = open(os.path.join(tmp, "aiaccel-fd1-%d.log" % os.getpid()), "w+b")
    os.dup2(_FD1_LOG.fileno(), 1)


def fd1_size():
    if _FD1_LOG is None:
        return 0
    try:
        sys.__stdout__.flush()
    except Exception:
        pass
    return os.fstat(1).st_size


def fd1_since(pos, limit=1_000_000):
    end = fd1_size()
    if end <= pos:
        return ""
    data = os.pread(_FD1_LOG.fileno(), min(end - pos, limit), pos)
    text = data.decode("utf-8", "replace")
    return text + ("...(truncated, %d bytes in all)" % (end - pos) if end - pos > limit else "")


def refused_since(mark):
    return ["%s: %s" % r for r in REFUSED[mark:]]


def _repr_upto(x, limit):
    """repr(x), but lists and tuples stop once `limit` characters are out, and ints past
    Python's 4300-digit str limit are shown by their leading digits and length."""
    t = type(x)
    if t in (list, tuple):
        parts, total = [], 0
        for item in x:
            piece = _repr_upto(item, limit)
            parts.append(piece)
            total += len(piece) + 2
            if total > limit:
                parts.append("...")
                break
        inner = ", ".join(parts)
        return "[%s]" % inner if t is list else "(%s%s)" % (inner, "," if len(x) == 1 else "")
    if t is int and x.bit_length() > 14000 and hasattr(sys, "set_int_max_str_digits"):
        old = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(0)
        try:
            digits = str(x)
        finally:
            sys.set_int_max_str_digits(old)
        return "%s...(%d digits)" % (digits[:30], len(digits.lstrip("-")))
    return repr(x)


def short_repr(x, limit=300):
    try:
        r = _repr_upto(x, limit)
    except Exception as e:  # a repr that raises is still evidence
        r = "<unrepresentable %s: %s>" % (type(x).__name__, e)
    if len(r) > limit:
        r = r[: limit - 20] + " ...(%d chars)" % len(r)
    return r


# ---------------------------------------------------------------- loading


def resolve(module_name, qualname):
    import importlib

    mod = importlib.import_module(module_name)
    obj = mod
    owner = None
    for part in qualname.split("."):
        owner = obj
        obj = getattr(obj, part)
    return mod, owner, obj


def bound_callable(module_name, qualname, kind):
    """Return a plain callable for the function. Methods need an instance: not supported here."""
    mod, owner, fn = resolve(module_name, qualname)
    if kind == "method":
        raise RuntimeError("method needs an instance of its class; aiaccel cannot build one yet")
    return fn


# ---------------------------------------------------------------- inputs


FLOAT_SHAPES = {"float", "float_list", "float_matrix", "float_cube", "array1", "array2", "array3"}
ARRAY_SHAPES = ("array1", "array2", "array3")


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)

    def floats(self, n, variant):
        r = self.rng
        if variant == "zeros":
            return [0.0] * n
        if variant == "negative":
            return [-r.uniform(0.5, 10.0) for _ in range(n)]
        if variant == "nan_inf" and n > 0:
            xs = [r.uniform(-10, 10) for _ in range(n)]
            specials = [float("nan"), float("inf"), float("-inf")]
            for k, v in enumerate(specials):
                xs[(k * 7 + 1) % n] = v
            return xs
        if variant == "int_for_float":
            return [r.randint(-9, 9) for _ in range(n)]
        if variant == "wide":
            return [r.uniform(-2000.0, 2000.0) for _ in range(n)]
        if variant == "huge":
            return [r.choice([1.0, -1.0]) * 10.0 ** r.uniform(150, 300) for _ in range(n)]
        if variant == "one_nan" and n > 0:
            xs = [r.uniform(-10, 10) for _ in range(n)]
            if r.random() < 0.5:
                xs[r.randrange(n)] = float("nan")
            return xs
        if variant == "positive":
            return [r.uniform(0.1, 10.0) for _ in range(n)]
        if variant == "list_nan" and n > 0:
            # a NaN in the data while the scalars stay finite (NaN-skipping kernels show here)
            xs = [r.uniform(0.0, 1.0) for _ in range(n)]
            xs[r.randrange(n)] = float("nan")
            return xs
        if variant == "cancel":
            # big terms that cancel around small ones: any change of summation order shows
            if n < 3:
                return [1e16] * n
            return [1e16] + [1.0] * (n - 2) + [-1e16]
        if variant == "offset":
            # a large common offset: one-pass variance formulas lose every digit here
            return [1e9 + r.randint(1, 5) for _ in range(n)]
        if variant == "edges":
            # values on round decimal edges in [0, 1]: floor vs truncation vs rounding show here
            return [r.randint(0, 10) / 10 for _ in range(n)]
        if variant == "b_fmax":
            # the finiteness guard's edge: the largest finite floats, the smallest subnormal
            return [[sys.float_info.max, -sys.float_info.max, 5e-324, 1.0][k % 4] for k in range(n)]
        if variant == "b_mixed" and n > 1:
            # the element-type guard's edge: one int among floats, one bool
            xs = [r.uniform(-10, 10) for _ in range(n)]
            xs[r.randrange(n)] = r.randint(-9, 9)
            xs[r.randrange(n)] = True
            return xs
        if variant == "grow":
            return [r.uniform(0.5, 1000.0) for _ in range(n)]
        return [r.uniform(-10, 10) for _ in range(n)]

    def ints(self, n, variant):
        r = self.rng
        if variant == "zeros":
            return [0] * n
        if variant == "negative":
            return [-r.randint(1, 100) for _ in range(n)]
        if variant == "bigint":
            return [r.choice([1, -1]) * r.randint(2**61, 2**70) for _ in range(n)]
        if variant == "positive":
            return [r.randint(1, 100) for _ in range(n)]
        if variant == "int_mid":
            # each fits in int64, their products and sums need not
            return [r.choice([1, -1]) * r.randint(2**31, 2**62) for _ in range(n)]
        if variant == "int_edge":
            return [2**62 + r.randint(0, 2**20) for _ in range(n)]
        if variant == "grow":
            # moderate values in large numbers: sums, counts and products grow from these
            return [r.randint(1, 1000) for _ in range(n)]
        if variant == "b_int53":
            # the scalar guard's edge (|x| < 2**53): just inside and just outside
            return [r.choice([1, -1]) * (2**53 + r.choice([-1, 0, 1])) for _ in range(n)]
        if variant == "b_int63":
            # int64's own edge: the largest, the smallest, and one past
            return [[2**63 - 1, -(2**63), 2**63, 2**63 - 2][k % 4] for k in range(n)]
        if variant == "b_deg2":
            # the degree-2 int guard's edge, |x|**2 * n < 2**62: just inside and just outside
            m = math.isqrt(2**62 // max(n, 1))
            return [r.choice([1, -1]) * (m + r.choice([-1, 0, 1])) for _ in range(n)]
        return [r.randint(-100, 100) for _ in range(n)]

    def value(self, shape, n, m, variant):
        r = self.rng
        if shape == "size":
            return n
        if shape == "int":
            if variant == "bigint":
                return 2**64 + 3
            if variant == "edges":
                return 10
            if variant == "grow":
                return n
            if variant == "b_int53":
                return 2**53 + (n % 3) - 1
            if variant == "b_int63":
                return [2**63 - 1, -(2**63), 2**63][n % 3]
            return max(1, min(3, n)) if variant != "zeros" else 0
        if shape == "float":
            if variant in ("nan_inf", "one_nan"):
                return float("nan") if r.random() < 0.5 else r.uniform(-5.0, 5.0)
            if variant == "huge":
                return 1e300
            if variant == "wide":
                return r.uniform(-2000.0, 2000.0)
            if variant == "zeros":
                return 0.0
            if variant in ("edges", "list_nan"):
                # alternately the lower and the upper end of [0, 1]
                self.edge_toggle = not getattr(self, "edge_toggle", False)
                return 0.0 if self.edge_toggle else 1.0
            return r.uniform(0.5, 2.0)
        if shape == "bool":
            return variant not in ("zeros", "negative")
        if shape == "unknown":
            # never indexed, iterated or measured: most likely a number
            return self.value("float", n, m, variant)
        if shape == "float_list":
            return self.floats(n, variant)
        if shape == "int_list":
            return self.ints(n, variant)
        if shape in ("float_matrix", "int_matrix") and variant == "b_ragged" and n > 1:
            # the shape guard's edge: one row shorter than the others
            rows = [self.floats(m, "random") if shape == "float_matrix" else self.ints(m, "random") for _ in range(n)]
            rows[r.randrange(n)].pop()
            return rows
        if shape == "float_matrix":
            return [self.floats(m, variant) for _ in range(n)]
        if shape == "int_matrix":
            return [self.ints(m, variant) for _ in range(n)]
        if shape == "float_cube":
            return [[self.floats(m, variant) for _ in range(m)] for _ in range(n)]
        if shape in ARRAY_SHAPES:
            return self.array(shape, n, m, variant)
        if shape == "str":
            return "".join(r.choice("abcdefgh ") for _ in range(n))
        if shape == "bytes":
            return bytes(r.randrange(256) for _ in range(n))
        return self.floats(n, variant)


def _gen_array(self, shape, n, m, variant):
    """An ndarray input: float64 by default; the `nd_*` variants change what an ndarray fast path
    must take as it is or refuse (dtype, layout, views, subclasses)."""
    import numpy as np

    dims = {"array1": (n,), "array2": (n, m), "array3": (n, m, m)}[shape]
    size = int(np.prod(dims))
    if variant == "nd_int":
        return np.array(self.ints(size, "random"), dtype=np.int64).reshape(dims)
    if variant == "nd_int_big":
        return np.array(self.ints(size, "int_mid"), dtype=np.int64).reshape(dims)
    if variant == "nd_f32":
        return np.array(self.floats(size, "random"), dtype=np.float32).reshape(dims)
    if variant == "nd_bool":
        return np.array([self.rng.random() < 0.5 for _ in range(size)], dtype=np.bool_).reshape(dims)
    if variant == "nd_complex":
        return (np.array(self.floats(size, "random")) + 1j * np.array(self.floats(size, "random"))).reshape(dims)
    if variant == "nd_fortran":
        return np.asfortranarray(np.array(self.floats(size, "random"), dtype=np.float64).reshape(dims))
    if variant == "nd_view":
        # every other element of a bigger array: a strided, non-contiguous view
        big = np.array(self.floats(size * 2, "random"), dtype=np.float64).reshape((dims[0] * 2,) + dims[1:])
        return big[::2]
    if variant == "nd_matrix" and shape == "array2":
        return np.asmatrix(np.array(self.floats(size, "random")).reshape(dims))
    base = variant if variant in ("zeros", "negative", "nan_inf", "huge", "one_nan", "positive", "list_nan", "cancel", "offset", "edges", "wide", "grow", "b_fmax") else "random"
    return np.array(self.floats(size, base), dtype=np.float64).reshape(dims)


Gen.array = _gen_array


def gen_args(params, n, variant, profile, gen):
    """Arguments for one call. profile 'square': every list has length n, every matrix n x n.
    profile 'small-second': the second container parameter is small (a kernel, a window)."""
    args = []
    containers = 0
    for p in params:
        if p.get("variadic"):
            break
        shape = p["shape"]
        if shape == "unknown" and p.get("has_default"):
            break  # leave defaults alone
        nn, mm = n, n
        is_container = shape.endswith("_list") or shape.endswith("_matrix") or shape in ("float_cube",) + ARRAY_SHAPES
        if is_container:
            containers += 1
            if profile == "small-second" and containers == 2:
                nn, mm = min(n, 3), min(n, 3)
        args.append(gen.value(shape, nn, mm, variant))
    return args


def generated_cases(params, seed, max_cases):
    shapes = {p["shape"] for p in params}
    has_float = bool(shapes & (FLOAT_SHAPES | {"unknown"}))
    has_int = bool(shapes & {"int_list", "int_matrix", "int"})
    containers = sum(1 for p in params if p["shape"].endswith(("_list", "_matrix")) or p["shape"] in ("float_cube",) + ARRAY_SHAPES)
    plan = [(0, "random"), (1, "random"), (2, "random"), (3, "random"), (5, "random"), (8, "random"),
            (13, "random"), (4, "zeros"), (6, "negative"), (7, "positive"), (24, "random"), (40, "random")]
    if has_float:
        plan += [(5, "nan_inf"), (9, "nan_inf"), (6, "int_for_float"), (1, "nan_inf"), (4, "wide"), (7, "wide"),
                 (3, "huge"), (6, "one_nan"), (5, "one_nan"), (8, "one_nan"), (4, "one_nan"),
                 (5, "list_nan"), (2, "list_nan"), (9, "cancel"), (17, "cancel"), (3, "offset"), (6, "offset"),
                 (10, "edges"), (20, "edges")]
    if has_int:
        plan += [(4, "bigint"), (1, "bigint"), (6, "bigint"), (1, "int_mid"), (2, "int_mid"), (5, "int_mid"), (2, "int_edge")]
    # inputs at the edges of the adapters' guards (int magnitude, finiteness, element type,
    # shape): where a fast path's assumptions are tightest
    if has_int:
        plan += [(3, "b_int53"), (4, "b_int63"), (4, "b_deg2"), (16, "b_deg2")]
    if has_float:
        plan += [(4, "b_fmax"), (5, "b_mixed")]
    if shapes & {"float_matrix", "int_matrix"}:
        plan += [(4, "b_ragged")]
    if shapes & set(ARRAY_SHAPES):
        # dtypes, layouts and subclasses an ndarray fast path takes as they are or refuses
        plan += [(5, "nd_int"), (4, "nd_int_big"), (6, "nd_f32"), (5, "nd_bool"), (4, "nd_complex"), (7, "nd_fortran"), (6, "nd_view"), (4, "nd_matrix")]
    profiles = ["square"] + (["small-second"] if containers >= 2 else [])
    gen = Gen(seed)
    cases = []
    for profile in profiles:
        gen.edge_toggle = False
        for n, variant in plan:
            args = gen_args(params, n, variant, profile, gen)
            cases.append({"source": "generated", "label": "%s n=%d %s" % (variant, n, profile), "args": args, "kwargs": {}})
    return cases[: max_cases]


def growth_ladder(params):
    """Sizes past the small generated ones, where counts, sums, products and tables grow."""
    shapes = {p["shape"] for p in params}
    if shapes & {"float_cube", "array3"}:
        return [6, 12, 24]
    if shapes & {"float_matrix", "int_matrix", "array2"}:
        return [16, 32, 64, 128]
    return [64, 256, 1024, 4096]


def growth_case(params, n, seed, profile="square"):
    gen = Gen(seed + 7919 * n)
    gen.edge_toggle = False
    return {"source": "generated", "growth": True, "label": "grow n=%d %s" % (n, profile), "args": gen_args(params, n, "grow", profile, gen), "kwargs": {}}


def load_captured(path):
    if not path or not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        calls = pickle.load(f)
    out = []
    for i, (args, kwargs) in enumerate(calls):
        out.append({"source": "captured", "label": "captured call %d" % (i + 1), "args": list(args), "kwargs": dict(kwargs)})
    return out


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


def call(fn, case, seed, limit_s=None):
    """Run fn on its own deep copy of the case (every run, so a function that changes its
    arguments in place never sees what an earlier run left). Returns an outcome dict; with
    `limit_s`, a call still running after that many seconds is stopped and marked too_slow."""
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
        if ta is dict:
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
    elif t is dict:
        for i, (k, y) in enumerate(x.items()):
            if i >= 64:
                break
            _containers(y, "%s[%r]" % (path, k), out, depth + 1)


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
    return t.__name__


# ---------------------------------------------------------------- modes


class LineCoverage:
    """Which lines of the original (and of the code nested in it: comprehensions, lambdas) ran.
    Only frames of those code objects are traced, so the rest runs at full speed."""

    def __init__(self, fn):
        import types

        self.codes = set()
        self.lines = set()
        self.hit = set()
        code = getattr(fn, "__code__", None)
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


def mode_probe(req):
    info = {"python": sys.version.split()[0], "executable": sys.executable}
    for name in ("numpy", "numba", "pytest"):
        try:
            m = __import__(name)
            info[name] = getattr(m, "__version__", "?")
        except Exception:
            info[name] = None
    return info


def mode_verify(req):
    phases = {}
    t_phase = [time.perf_counter()]

    def phase(name):
        now = time.perf_counter()
        phases[name] = round(phases.get(name, 0.0) + now - t_phase[0], 3)
        t_phase[0] = now

    fn_orig = bound_callable(req["module"], req["qualname"], req["kind"])
    cmp = Cmp(req["rtol"], req["atol"], req["nan_equal"], req["signed_zero"], req.get("exception_message", False))
    captured = load_captured(req.get("captured_file"))
    cases = captured[: req["max_captured"]] + generated_cases(req["params"], req["seed"], req["max_generated"])
    # the original, twice: evidence must be deterministic. An input on which the original itself
    # is too slow (an int driving factorial work, a huge range) is dropped, and said so.
    originals = []
    usable = []
    dropped = []
    raised = 0
    cov = LineCoverage(fn_orig)
    limit = req.get("case_limit_s", 3.0)

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
    if coverage < req.get("min_coverage", 0.0):
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
    deadline = time.perf_counter() + req.get("doctest_budget_s", 30.0)

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


def timed(fn, arg_sets):
    t0 = time.perf_counter()
    for args, kwargs in arg_sets:
        fn(*args, **kwargs)
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


def bench_case(params, n, profile, seed):
    gen = Gen(seed)
    return {"args": gen_args(params, n, "positive", profile, gen), "kwargs": {}, "label": "n=%d" % n}


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
    captured = load_captured(req.get("captured_file"))
    profiles = bench_profiles(params, captured)
    with contextlib.redirect_stdout(sink):
        for profile in profiles:
            case = bench_case(params, 16, profile, seed)
            if call(fn_orig, case, seed)["exc"] is None:
                chosen = profile
                break
    if chosen is None:
        if not captured:
            return {"status": "no_inputs", "message": "the original raises on every generated benchmark input and no calls were captured"}
        # benchmark on the largest captured call only
        sizes = [("captured", largest_captured(captured))]
    else:
        n = 16
        t = 0.0
        grow_deadline = time.perf_counter() + req["grow_budget_s"]
        with contextlib.redirect_stdout(sink):
            while True:
                case = bench_case(params, n, chosen, seed)
                o = call(fn_orig, case, seed)
                if o["exc"] is not None:
                    n //= 2
                    break
                t = o["seconds"]
                if t >= target or n >= req["max_n"] or time.perf_counter() > grow_deadline:
                    break
                factor = 2 if t > target / 8 else 4
                n *= factor
        n = max(n, 2)
        # three growing sizes; the largest (where the original takes `target` seconds) decides
        ladder = sorted({max(2, n // 16), max(2, n // 4), n})
        shape = "" if chosen == "square" else ", second argument small"
        sizes = [("%d%s" % (k, shape), bench_case(params, k, chosen, seed)) for k in ladder]
    try:
        t0 = time.perf_counter()
        fn_cand = bound_callable(req["cand_module"], req["qualname"], req["kind"])
        import_s = time.perf_counter() - t0
    except Exception as e:
        return {"status": "error", "message": "candidate failed to import: %s" % e}
    results = []
    compile_s = None
    cmp = Cmp(req["rtol"], req["atol"], req["nan_equal"], req["signed_zero"], req.get("exception_message", False))
    checked = 0

    def first_calls(case, where):
        """The candidate's first call (it carries the JIT compile) and the original's, compared:
        the rewrite runs here on inputs far larger than the verifier's, and its results must be
        the original's at every size it is timed on (int64 wraps only at scale)."""
        first = call(fn_cand, case, seed)
        want = call(fn_orig, case, seed)
        d = compare(cmp, want, first)
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
    if req.get("oracle", True):
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
    seed = req.get("seed", 0)
    rounds = req.get("rounds", 3)
    # compile time: the first call on the smallest inputs, minus a warm second call
    sizes = req.get("sizes", [])
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
        budget_end = time.perf_counter() + req.get("size_budget_s", 60.0)
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


class _TestTracker:
    """A pytest plugin: which test is running, and how each one ended."""

    def __init__(self):
        self.current = None
        self.outcomes = {}

    def pytest_runtest_setup(self, item):
        self.current = item.nodeid

    def pytest_runtest_teardown(self, item):
        self.current = None

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or report.outcome != "passed":
            if self.outcomes.get(report.nodeid) in (None, "passed"):
                self.outcomes[report.nodeid] = report.outcome


def mode_repo_tests(req):
    """Run the repo's tests that reach the function with the candidate in the original's place
    (the module attribute is swapped before any test module imports it)."""
    import importlib

    mod = importlib.import_module(req["module"])
    fn_cand = bound_callable(req["cand_module"], req["qualname"], req["kind"])
    if "." in req["qualname"]:
        return {"status": "ok", "skipped": "methods are not swapped in for repo tests"}
    setattr(mod, req["qualname"], fn_cand)
    try:
        import pytest
    except Exception:
        return {"status": "ok", "skipped": "pytest is not installed"}
    track = _TestTracker()
    sink = io.StringIO()
    os.chdir(req["root"])
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        code = pytest.main(["-q", "-p", "no:cacheprovider", "--rootdir", req["root"]] + req["tests"], plugins=[track])
    failed = sorted(i for i in req["tests"] if track.outcomes.get(i) != "passed")
    return {"status": "ok", "pytest_exit": int(code), "ran": len(req["tests"]), "failed": failed, "log_tail": sink.getvalue()[-1500:]}


def mode_capture(req):
    """Run the repo's tests with a profile hook that records calls of the target functions."""
    targets = {}
    for t in req["targets"]:
        targets[(os.path.realpath(os.path.join(req["root"], t["path"])), t["name"], t["line"])] = t
    limit = req["max_calls"]
    store = {t["id"]: [] for t in req["targets"]}
    reached = {t["id"]: set() for t in req["targets"]}
    track = _TestTracker()
    sizes = {t["id"]: set() for t in req["targets"]}
    codes = {}

    def lookup(code):
        key = id(code)
        if key not in codes:
            hit = None
            fname = os.path.realpath(code.co_filename)
            for (path, name, line), t in targets.items():
                if fname == path and code.co_name == name and line <= code.co_firstlineno <= line + 64:
                    hit = t
                    break
            codes[key] = (code, hit)
        return codes[key][1]

    def hook(frame, event, arg):
        if event != "call":
            return
        t = lookup(frame.f_code)
        if t is None:
            return
        if track.current is not None:
            reached[t["id"]].add(track.current)
        calls = store[t["id"]]
        try:
            loc = frame.f_locals
            args = tuple(loc[p] for p in t["params"] if p in loc)
            blob = pickle.dumps(copy.deepcopy((args, {})))
        except Exception:
            return
        size = len(blob)
        if size in sizes[t["id"]]:
            return
        if len(calls) < limit:
            calls.append((size, blob))
        else:
            # keep a spread of sizes: replace the entry nearest in size, if this one is new ground
            calls.sort()
            if size > calls[-1][0]:
                calls[-1] = (size, blob)
            elif size < calls[0][0]:
                calls[0] = (size, blob)
            else:
                return
        sizes[t["id"]].add(size)

    try:
        import pytest
    except Exception:
        return {"status": "no_pytest", "message": "pytest is not installed in this interpreter"}
    os.chdir(req["root"])
    sink = io.StringIO()
    sys.setprofile(hook)
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            code = pytest.main(["-q", "-x", "-p", "no:cacheprovider", "--rootdir", req["root"]] + req["test_paths"], plugins=[track])
    finally:
        sys.setprofile(None)
    counts = {}
    for tid, ids in reached.items():
        if ids:
            # which of the repo's tests reach the function, and how they did with the original
            with open(os.path.join(req["out_dir"], tid + ".tests.json"), "w") as f:
                json.dump({"tests": sorted(ids), "outcomes": {i: track.outcomes.get(i, "unknown") for i in ids}}, f)
    for tid, calls in store.items():
        calls.sort()
        decoded = [pickle.loads(b) for _, b in calls]
        counts[tid] = len(decoded)
        if decoded:
            with open(os.path.join(req["out_dir"], tid + ".pkl"), "wb") as f:
                pickle.dump(decoded, f)
    return {"status": "ok", "pytest_exit": int(code), "counts": counts, "log_tail": sink.getvalue()[-2000:]}


def main():
    global TAG
    req = json.loads(sys.stdin.read())
    TAG = req.get("tag", TAG)
    sandbox = req.get("sandbox")
    netns = None
    if sandbox is not None:
        netns = network_isolated()
        divert_fd1()
        install_sandbox(sandbox)
    for p in reversed(req.get("sys_path", [])):
        sys.path.insert(0, p)
    if req.get("cwd"):
        os.chdir(req["cwd"])
    try:
        handler = {"probe": mode_probe, "verify": mode_verify, "bench": mode_bench, "capture": mode_capture, "eval": mode_eval, "repo_tests": mode_repo_tests}[req["mode"]]
        out = handler(req)
    except Exception as e:
        out = {"status": "error", "message": "%s: %s" % (type(e).__name__, e), "traceback": traceback.format_exc()[-3000:]}
    if sandbox is not None and isinstance(out, dict):
        out["sandbox"] = {"network_isolated": netns, "refused": refused_since(0)[:20]}
    reply(out)


if __name__ == "__main__":
    main()

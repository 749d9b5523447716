# aiaccel harness, part: the sandbox: audit hook, network check, the fd 1 diversion, bounded reprs (joined with the other parts into one script at build time: src/python.rs)
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



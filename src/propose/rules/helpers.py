# Rewrites import these names (src/runtime.rs); within one module the last import binds them
# for every rewrite there: a new version may add a helper or an optional parameter, never
# change what an existing call computes.
import struct as _aiaccel_struct

import numpy as _aiaccel_np


def _aiaccel_arr(x, ndim, elem, as_float=False, nd=False, seq=0, mut=False):
    """A list (of lists) whose numbers are all `elem` (float or int; None: all floats or all
    ints, as float64 or int64) as an ndarray for the fast path, or None for the original Python
    path: not a list, empty, ragged, another element type, mixed types, bools, objects. With `nd`
    (a function that takes ndarrays elsewhere, verified on ndarrays in this place too), an
    ndarray of the same dims and element type is taken as well. `seq` is a set of bits: 1, a
    (never written) `bytes`/`bytearray` is taken as the int list it indexes as; 2, a `str` as
    its code points (a body that only compares its characters with each other); 4, tuples in
    place of the lists and a numeric `array.array` in place of a flat list (never written, never
    returned: read, they behave as the list would). With `mut` (the body writes into it), rows
    that are one list object (`[[0.0] * m] * n`) take the original path: a write to one row
    is a write to all of them there, and not in an array."""
    if seq & 3 and ndim == 1 and elem is not float and not as_float:
        t = type(x)
        if seq & 1 and (t is bytes or t is bytearray) and x:
            return _aiaccel_np.frombuffer(x, dtype=_aiaccel_np.uint8).astype(_aiaccel_np.int64)
        if seq & 2 and t is str and x:
            return _aiaccel_text(x)
    if seq & 4 and ndim == 1 and type(x).__name__ == "array" and type(x).__module__ == "array" and x:
        floats = x.typecode in "fd"
        if x.typecode in "uw" or (elem is int and floats) or (elem is float and not floats) or (as_float and not floats):
            return None
        try:
            return _aiaccel_np.array(x, dtype=_aiaccel_np.float64 if floats else _aiaccel_np.int64)
        except (ValueError, TypeError, OverflowError):
            return None
    if nd and type(x) is _aiaccel_np.ndarray:
        # an ndarray where the code indexes a list: taken as it is when it holds exactly what
        # the list would (a copy: the kernel's writes reach the caller only on success)
        if elem is None:
            elem = int if x.dtype == _aiaccel_np.int64 else float
        want = _aiaccel_np.dtype(_aiaccel_np.float64 if elem is float else _aiaccel_np.int64)
        if x.ndim != ndim or x.size == 0 or x.dtype != want or (as_float and elem is int):
            return None  # (an int array the code stores floats into would truncate them)
        return x.astype(_aiaccel_np.float64 if as_float else want)
    seqs = {list, tuple} if seq & 4 else {list}
    if type(x) not in seqs or not x:
        return None
    rows = [x]
    shape = [len(x)]
    for _ in range(ndim - 1):
        nxt = []
        for r in rows:
            if not set(map(type, r)) <= seqs:
                return None
            nxt.extend(r)
        if mut and len(set(map(id, nxt))) != len(nxt):
            return None
        rows = nxt
        lens = set(map(len, rows))
        if len(lens) != 1:
            return None  # ragged, or an empty level
        shape.append(lens.pop())
    m = shape[-1]
    if not m:
        return None
    if elem is None:
        elem = type(rows[0][0])
    if elem is not float and elem is not int:
        return None
    # The numbers packed as C doubles (int64s) straight into the array with struct, about 32k
    # at a time (rows grouped, a long flat list sliced), each group's exact element types checked
    # first: two to four times faster than np.array's walk of the nested lists, the same bytes.
    code, dtype = ("d", _aiaccel_np.float64) if (as_float or elem is float) else ("q", _aiaccel_np.int64)
    if len(rows) * m <= 256:
        # (small: np.array's fixed cost is the lower one)
        for r in rows:
            if list(map(type, r)).count(elem) != m:
                return None
        try:
            return _aiaccel_np.array(x, dtype=dtype)
        except (ValueError, TypeError, OverflowError):
            return None
    out = _aiaccel_np.empty(shape, dtype=dtype)
    step = 1 << 15
    per = max(1, step // m)
    off = 0
    for s in range(0, len(rows), per) if len(rows) > 1 else range(0, m, step):
        if len(rows) > 1:
            piece = []
            for r in rows[s:s + per]:
                piece.extend(r)
        else:
            piece = rows[0][s:s + step]
        # (exact types: a bool or a float subclass such as np.float64 takes the original path)
        if list(map(type, piece)).count(elem) != len(piece):
            return None
        try:
            _aiaccel_struct.pack_into("%d%s" % (len(piece), code), out, off, *piece)
        except (_aiaccel_struct.error, OverflowError, TypeError):
            return None  # (an int outside int64, or outside a double's range)
        off += 8 * len(piece)
    return out


def _aiaccel_text(x):
    """A non-empty `str` as its code points (an int64 array), or None for the original path:
    any other type, `bytes` and lists of ints included (the body calls `ord` on its characters
    or compares them with `str` literals, which an int would not pass)."""
    if type(x) is not str or not x:
        return None
    # (lone surrogates too: '\udc80' from surrogateescape is a code point like any other)
    b = x.encode("utf-32-le", "surrogatepass")
    return _aiaccel_np.frombuffer(b, dtype=_aiaccel_np.uint32).astype(_aiaccel_np.int64)


def _aiaccel_shared(*xs):
    """Whether two of the arguments share a list (or a row of one) or an array's memory, as in
    f(x, x): the kernel works on separate arrays, so a write through one would not show through
    the other as it does in the original."""
    seen = set()
    arrays = []
    for x in xs:
        mine = set()
        stack = [x]
        while stack:
            v = stack.pop()
            if type(v) is list or type(v) is tuple:
                # (a tuple is not written, but it may hold the rows of a list that is)
                if type(v) is list:
                    mine.add(id(v))
                if v and (type(v[0]) is list or type(v[0]) is tuple):
                    stack.extend(v)
            elif isinstance(v, _aiaccel_np.ndarray):
                arrays.append(v)
            elif type(v) is bytearray or (type(v).__name__ == "array" and type(v).__module__ == "array"):
                # a buffer an ndarray elsewhere may view (np.frombuffer): as memory too
                if len(v):
                    arrays.append(_aiaccel_np.frombuffer(v, dtype=_aiaccel_np.uint8))
        if mine & seen:
            return True
        seen |= mine
    return any(_aiaccel_np.may_share_memory(arrays[i], arrays[j]) for i in range(len(arrays)) for j in range(i))


_AIACCEL_ND_DTYPES = frozenset(_aiaccel_np.dtype(t) for t in ("float64", "int64", "complex128"))


def _aiaccel_nd_ok(x, ndim):
    """An ndarray the kernel takes as it is: exactly ndarray (subclasses such as np.matrix or
    masked arrays run the original), `ndim` dims, and a dtype whose scalar arithmetic is the same
    compiled as in NumPy: float64, int64, complex128. (float32 and the narrow ints are
    promoted differently by Numba than by NumPy 2: `0.0 + np.float32(x)` stays float32 there;
    NumPy refuses `-` on bools, Numba does not.)
    Any layout: C, Fortran, strided views."""
    return type(x) is _aiaccel_np.ndarray and x.ndim == ndim and x.dtype in _AIACCEL_ND_DTYPES


def _aiaccel_finite(*arrays):
    return all(a.dtype.kind != "f" or _aiaccel_np.isfinite(a).all() for a in arrays)


def _aiaccel_scalar_ok(v):
    t = type(v)
    return t is float or t is bool or (t is int and -(2**53) < v < 2**53)


def _aiaccel_state_ok(v):
    """Module state a kernel takes as an argument, as it is at this call: a Python number (ints
    inside 2**53), a str, a tuple or list of those, or an ndarray `_aiaccel_nd_ok` would take.
    NumPy scalars (np.float32 promotes differently compiled), objects and the rest run the
    original."""
    t = type(v)
    if t is tuple or t is list:
        return all(_aiaccel_state_ok(x) for x in v)
    if t is _aiaccel_np.ndarray:
        return v.dtype in _AIACCEL_ND_DTYPES
    return t is str or t is complex or _aiaccel_scalar_ok(v)


def _aiaccel_int_ok(n, degree, *values):
    """Int arithmetic stays inside int64: |x|**degree * n < 2**62 for the largest |x| among the
    int arrays, int scalars and int literals given."""
    m = 1
    for a in values:
        if type(a) is int:
            m = max(m, abs(a))
        elif isinstance(a, _aiaccel_np.ndarray) and a.dtype.kind in "iu" and a.size:
            m = max(m, int(a.max()), -int(a.min()))
    return m < 2**53 and (m**degree) * max(n, 1) < 2**62


def _aiaccel_nonan(*arrays):
    return not any(a.dtype.kind == "f" and _aiaccel_np.isnan(a).any() for a in arrays)


def _aiaccel_put(dst, values):
    """Write values (nested lists) back into the caller's list in place, keeping inner lists."""
    if values and type(values[0]) is list:
        for row, vals in zip(dst, values):
            _aiaccel_put(row, vals)
    else:
        dst[:] = values


def _aiaccel_put_rows(dst, a):
    """Write the kernel's ndarray `a` back into the caller's (nested) list in place, keeping its
    inner lists: row by row, so that the Python numbers of one row are made at a time (as
    `_aiaccel_put(dst, a.tolist())`, a quarter faster on wide rows; narrow rows as one list)."""
    if type(dst) is _aiaccel_np.ndarray:
        dst[...] = a  # (an ndarray taken where the code indexes a list: `nd` of _aiaccel_arr)
    elif a.ndim > 2:
        for row, vals in zip(dst, a):
            _aiaccel_put_rows(row, vals)
    elif a.ndim == 2 and a.shape[1] >= 64:
        for row, vals in zip(dst, a):
            row[:] = vals.tolist()
    elif a.ndim == 2:
        for row, vals in zip(dst, a.tolist()):  # (narrow rows: one tolist for them all)
            row[:] = vals
    else:
        dst[:] = a.tolist()


def _aiaccel_back(r):
    """Kernel results back to the original's types: ndarray -> list, numpy scalar -> Python."""
    if isinstance(r, _aiaccel_np.ndarray):
        return r.tolist()
    if type(r) is tuple:
        return tuple(_aiaccel_back(v) for v in r)
    if type(r) is list:
        return [_aiaccel_back(v) for v in r]
    if isinstance(r, _aiaccel_np.generic):
        return r.item()
    return r


def _aiaccel_fields(obj, names):
    """The values of `obj`'s attributes `names` when each is plain data that reading once gives
    the same as reading at each use (a method's plain form reads them once): an instance
    attribute, a `__slots__` member or a class attribute that is no descriptor, on a class that
    does not customise attribute access. Otherwise None, and the method runs its original body:
    a property, a method, a descriptor, `__getattribute__`, a missing attribute."""
    t = type(obj)
    if t.__getattribute__ is not object.__getattribute__:
        return None
    d = getattr(obj, "__dict__", None)
    if d is not None and type(d) is not dict:
        return None  # (attribute lookup reads a dict subclass's storage, not its __getitem__)
    out = []
    for n in names:
        c = None
        for k in t.__mro__:
            if n in k.__dict__:
                c = k.__dict__[n]
                break
        else:
            if d is not None and n in d:
                out.append(d[n])
                continue
            return None
        ct = type(c)
        if ct.__name__ == "member_descriptor" and ct.__module__ == "builtins":
            try:
                out.append(c.__get__(obj, t))  # a __slots__ member
            except AttributeError:
                return None
        elif hasattr(ct, "__set__") or hasattr(ct, "__delete__"):
            return None  # a property or another data descriptor: it wins over the instance
        elif d is not None and n in d:
            out.append(d[n])
        elif hasattr(ct, "__get__"):
            return None  # a method, a staticmethod, a non-data descriptor
        else:
            out.append(c)
    return out


def _aiaccel_columns(xs, names):
    """The attributes `names` of the records in `xs` as one list per name, when `xs` is a list
    or tuple of records whose attributes are plain data (as `_aiaccel_fields` takes them; a
    namedtuple's fields too) and reading them all first gives what the loop would read. Else
    None, and the function runs its original body: a generator (iterated twice), an empty
    list, a property, a missing attribute."""
    if (type(xs) is not list and type(xs) is not tuple) or not xs:
        return None
    cols = [[] for _ in names]
    kinds = {}
    for x in xs:
        t = type(x)
        kind = kinds.get(t)
        if kind is None:
            kind = kinds[t] = _aiaccel_record_kind(t, names)
        if kind == "dict":
            # (the common case: no class attribute of these names, so the instance's own)
            d = getattr(x, "__dict__", None)
            if type(d) is not dict:
                return None  # (no dict, or a dict subclass: lookup does not go through its __getitem__)
            try:
                vals = [d[n] for n in names]
            except KeyError:
                return None
        elif kind == "tuple":
            vals = [getattr(x, n) for n in names]
        elif kind == "fields":
            vals = _aiaccel_fields(x, names)
            if vals is None:
                return None
        else:
            return None
        for c, v in zip(cols, vals):
            c.append(v)
    return cols


def _aiaccel_record_kind(t, names):
    """How `_aiaccel_columns` reads `names` from instances of `t`: "tuple" (a namedtuple's fields:
    reading one indexes the tuple), "dict" (no class in the MRO defines any of them: the
    instance dict holds them), "fields" (`_aiaccel_fields` decides per instance), or None (a
    class that customises attribute access, or a tuple that is no namedtuple of these fields)."""
    if t.__getattribute__ is not object.__getattribute__ and not (issubclass(t, tuple) and t.__getattribute__ is tuple.__getattribute__):
        return None
    defined = [n for n in names if any(n in k.__dict__ for k in t.__mro__)]
    if issubclass(t, tuple):
        fields = getattr(t, "_fields", None)
        if not isinstance(fields, tuple) or any(n not in fields for n in names):
            return None
        for n in names:
            c = next(k.__dict__[n] for k in t.__mro__ if n in k.__dict__)
            if type(c).__name__ != "_tuplegetter":
                return None
        return "tuple"
    return "fields" if defined else "dict"


def _aiaccel_vec_ok(values, ndims, written, uses, nonempty=()):
    """Whether a loop nest over ndarrays may run in its whole-array form (AX012): `values()`
    gives the loop bounds, the arrays and the scalars, read at this call (anything that raises
    there runs the loops, which raise as they do or never get that far). Every array must be
    exactly an ndarray of float64 with the dims the loops index (lists, other dtypes and
    subclasses run the loops), each written one writeable, its elements at distinct addresses
    (no zero or overlapping strides) and sharing no memory with another array of the nest;
    every bound an int; each loop's range `lo <= hi`, and shifted by the offset it is indexed
    with, inside the axis it runs along (past it the loops raise IndexError partway, or wrap
    around at -1); the loops of a sum (`nonempty`: (lo, hi) pairs) run at least once (an empty
    one leaves a Python float where the loops would make a NumPy one); every scalar a float or
    an int inside 2**53. And floating-point events only warn: under np.seterr(...="raise") or
    warnings as errors the loops raise at the element where it happens, after the writes before
    it, which whole-array operations cannot reproduce.
    `uses`: (lo, hi, offset, array, axis) by position in what `values()` gives."""
    try:
        bounds, arrays, scalars = values()
    except Exception:
        return False
    nd = _aiaccel_np.ndarray
    f8 = _aiaccel_np.dtype(_aiaccel_np.float64)
    for a, d in zip(arrays, ndims):
        if type(a) is not nd or a.dtype != f8 or a.ndim != d:
            return False
    for w in written:
        a = arrays[w]
        if not a.flags.writeable or not _aiaccel_distinct(a):
            return False
        for j, b in enumerate(arrays):
            if j != w and _aiaccel_np.may_share_memory(a, b):
                return False
    for b in bounds:
        if type(b) is not int:
            return False
    for lo, hi, off, a, axis in uses:
        lo, hi = bounds[lo], bounds[hi]
        if lo > hi or lo + off < 0 or hi + off > arrays[a].shape[axis]:
            return False
    for lo, hi in nonempty:
        if bounds[lo] >= bounds[hi]:
            return False
    for s in scalars:
        t = type(s)
        if not (t is float or t is _aiaccel_np.float64 or (t is int and -(2**53) < s < 2**53)):
            return False
    return _aiaccel_fp_lenient()


def _aiaccel_distinct(a):
    """Every element of `a` at its own address: sorted by stride, each axis steps past the
    whole extent of the ones below it (a stride-0 or overlapping `as_strided` view fails)."""
    dims = sorted((abs(st), n) for st, n in zip(a.strides, a.shape) if n > 1)
    reach = a.itemsize
    for st, n in dims:
        if st < reach:
            return False
        reach = st * n
    return True


def _aiaccel_fp_lenient():
    """NumPy's floating-point errors are ignored or only warn, and no warnings filter makes a
    RuntimeWarning an exception."""
    e = _aiaccel_np.geterr()
    if any(e[k] in ("raise", "call") for k in ("divide", "over", "invalid", "under")):
        return False
    import warnings

    for f in warnings.filters:
        if f[0] == "error" and issubclass(RuntimeWarning, f[2]):
            return False
    return True


def _aiaccel_top(x):
    """The largest |x| of an array (0.0 when empty), or |x| of a number."""
    if type(x) is _aiaccel_np.ndarray:
        with _aiaccel_np.errstate(all="ignore"):
            return float(_aiaccel_np.max(_aiaccel_np.abs(x))) if x.size else 0.0
    return abs(float(x))


def _aiaccel_bounded(base, *terms):
    """No partial sum of a contraction can overflow, in any order: the largest |x| of `base`
    (the accumulated arrays, the sums' starting values) plus, per term (count, scalars,
    arrays), count * prod |scalar| * prod max |array| stays below 2**1000. NaN or inf anywhere
    fails it (the loops then decide what comes out)."""
    top = _aiaccel_top
    with _aiaccel_np.errstate(all="ignore"):
        m = sum(top(b) for b in base)
        for count, scalars, arrays in terms:
            t = float(count)
            for x in tuple(scalars) + tuple(arrays):
                t *= top(x)
            m += t
    return m < 2.0**1000


_AIACCEL_GPU = []  # [cupy or None, the AIACCEL_GPU_MIN_WORK override or None], at the first call


def _aiaccel_gpu(work, min_work):
    """CuPy, where a rewrite's products may run on a GPU at this call (AX020): CuPy imports, a
    CUDA device is visible, and the work (multiply-adds) is at least `min_work`, below which
    copying the arrays to the device and back costs more than the CPU's BLAS takes
    (AIACCEL_GPU_MIN_WORK overrides it for the machine; AIACCEL_GPU=0 keeps everything on the
    CPU). None otherwise, and the CPU computes them. CuPy is imported at the first call that
    asks, never at import: a rewritten module imports where CuPy or a GPU is missing."""
    if not _AIACCEL_GPU:
        import os

        cp = None
        if os.environ.get("AIACCEL_GPU", "1") != "0":
            try:
                import cupy

                if cupy.cuda.runtime.getDeviceCount() > 0:
                    cp = cupy
            except Exception:
                cp = None
        floor = os.environ.get("AIACCEL_GPU_MIN_WORK", "")
        _AIACCEL_GPU.extend([cp, int(floor) if floor.isdigit() else None])
    cp, floor = _AIACCEL_GPU
    if cp is None or work < (min_work if floor is None else floor):
        return None
    return cp


# Numba's typing errors of the kernels this process called, kept for aiaccel's verifier: a
# kernel that no call could compile is no rewrite (the original ran every time), and the error
# is what a model is given to repair it.
_AIACCEL_UNTYPED = []


def _aiaccel_untyped(e):
    """Note a kernel Numba could not type for a call (the original runs instead)."""
    if len(_AIACCEL_UNTYPED) < 10000:
        _AIACCEL_UNTYPED.append(str(e)[:4000] if len(_AIACCEL_UNTYPED) < 3 else "")

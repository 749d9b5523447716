# aiaccel harness, part: generated inputs: variants, guard edges, growth, ndarrays (joined with the other parts into one script at build time: src/python.rs)
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
        if variant == "int_positive":
            return [r.randint(1, 100) for _ in range(n)]
        if variant == "int_for_float_big":
            # ints where floats were expected, at the edges a float-shaped list's int fast path
            # guards: 2**53 (exact int-to-float) and sums/products past int64
            return [r.choice([1, -1]) * r.choice([2**53 - 1, 2**53, 2**53 + 1, r.randint(2**31, 2**62)]) for _ in range(n)]
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
        if variant == "ties":
            # decimal near-ties: round(2.675, 2) is 2.67 (the double is below the tie), x.5
            return [r.choice([1, -1]) * r.choice([r.randint(0, 999) / 100 + 0.005, r.randint(0, 99) + 0.5, r.randint(0, 9999) / 1000 + 0.0005]) for _ in range(n)]
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
        if variant in ("positive", "int_positive"):
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
        if variant.startswith("nd_list") and shape in ("float_list", "int_list", "float_matrix", "int_matrix", "float_cube"):
            import numpy as np

            base = "zeros" if variant == "nd_list_zeros" else "random"
            return np.array(self.value(shape, n, m, base), dtype=np.int64 if shape.startswith("int") else np.float64)
        if variant == "spd":
            # a symmetric, strictly diagonally dominant matrix: positive definite, the input
            # linear algebra (Cholesky, LU, triangular and iterative solvers) is written for
            if shape in ("float_matrix", "int_matrix", "array2"):
                ints = shape == "int_matrix"
                a = [[r.randint(-9, 9) if ints else r.uniform(-1.0, 1.0) for _ in range(n)] for _ in range(n)]
                for i in range(n):
                    for j in range(i):
                        a[i][j] = a[j][i]
                    a[i][i] = (10 * n + 1) if ints else float(n + 1)
                if shape == "array2":
                    import numpy as np

                    return np.array(a, dtype=np.float64)
                return a
            variant = "positive"
        if variant == "alias_rows" and shape in ("float_matrix", "int_matrix"):
            # every row the same list object, as `[[0.0] * m] * n` makes it
            return [self.floats(m, "random") if shape == "float_matrix" else self.ints(m, "random")] * n
        if variant in ("tuples", "array") and shape in ("float_list", "int_list", "float_matrix", "int_matrix", "float_cube"):
            # the same numbers in tuples ([(x, y), ...]) or in an array.array: read-only
            # containers a list-indexing loop takes as well
            base = self.value(shape, n, m, "random")
            if variant == "tuples":
                if shape.endswith("_list"):
                    return tuple(base)
                if shape.endswith("_matrix"):
                    return [tuple(row) for row in base]
                return [[tuple(row) for row in plane] for plane in base]
            if shape.endswith("_list"):
                import array

                return array.array("d" if shape == "float_list" else "q", base)
            return base
        if variant in ("text", "text_uni", "text_ascii", "bytes") and shape in ("float_list", "int_list"):
            # a sequence indexed like a list of numbers may be text: bytes index as ints, a str
            # as one-character strings (non-ASCII ones too: code points past one byte; all of
            # printable ASCII, for the literals a body compares characters with: 'a' <= c <= 'z')
            if variant == "bytes":
                return bytes(r.randrange(256) for _ in range(n))
            alphabet = {"text": "acgt", "text_ascii": TEXT_ASCII}.get(variant, "a\u00e9\u20ac\U0001f600b")
            return "".join(r.choice(alphabet) for _ in range(n))
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
            if variant == "int_scalar":
                # an int scalar among float data, one that wins or loses a max/min in turn:
                # `b = lo; b = max(b, x[i])` returns the int itself in Python, where a compiled
                # kernel has unified it with the floats (5 vs 5.0)
                self.int_toggle = getattr(self, "int_toggle", -1) + 1
                return [1000, -1000, 5, 0, -3, 1][self.int_toggle % 6]
            if variant == "int_for_float":
                # an int where a float is expected: `best = lo; best = max(best, x[i])` keeps the
                # int in Python, a compiled kernel unifies it to float
                return r.choice([0, 1, 5, -3, 1000])
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


# printable ASCII and the whitespace text has: digits, both cases, punctuation, space, tab, newline
TEXT_ASCII = "".join(map(chr, range(32, 127))) + "\t\n"


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
    if variant == "nd_list_zeros":
        variant = "zeros"
    base = variant if variant in ("zeros", "negative", "nan_inf", "huge", "one_nan", "positive", "list_nan", "cancel", "offset", "edges", "wide", "grow", "b_fmax") else "random"
    return np.array(self.floats(size, base), dtype=np.float64).reshape(dims)


Gen.array = _gen_array


def gen_args(params, n, variant, profile, gen):
    """Arguments for one call. profile 'square': every list has length n, every matrix n x n.
    profile 'small-second': the second container parameter is small (a kernel, a window).
    variant 'alias_args': the container parameters of one shape are one object (f(x, x))."""
    args = []
    containers = 0
    first_of_shape = {}
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
        if variant == "alias_args" and is_container:
            if shape in first_of_shape:
                args.append(args[first_of_shape[shape]])
                continue
            first_of_shape[shape] = len(args)
            variant_here = "random"
        else:
            variant_here = variant
        if shape == "records":
            # a list of records: each attribute's values generated as one column of its shape
            cols = [(a["name"], gen.value(a["shape"], nn, mm, variant_here)) for a in p.get("attrs", [])]

            def at(c, i):
                try:
                    return c[i] if len(c) == nn else c
                except TypeError:
                    return c

            args.append([AiaccelRecord(**{k: at(c, i) for k, c in cols}) for i in range(nn)])
            continue
        if shape == "instance":
            # a method's instance: its attributes, each of its own shape
            args.append(InstanceState((a["name"], gen.value(a["shape"], nn, mm, variant_here)) for a in p.get("attrs", [])))
            continue
        args.append(gen.value(shape, nn, mm, variant_here))
    return args


def flat_params(params):
    """The parameters with a method's instance (or a list of records) replaced by its
    attributes: the shapes the inputs are planned for."""
    out = []
    for p in params:
        out.extend(p.get("attrs", [])) if p["shape"] in ("instance", "records") else out.append(p)
    return out


def generated_cases(params, seed, max_cases):
    shapes = {p["shape"] for p in flat_params(params)}
    has_float = bool(shapes & (FLOAT_SHAPES | {"unknown"}))
    has_int = bool(shapes & {"int_list", "int_matrix", "int"})
    containers = sum(1 for p in flat_params(params) if p["shape"].endswith(("_list", "_matrix")) or p["shape"] in ("float_cube",) + ARRAY_SHAPES)
    plan = [(0, "random"), (1, "random"), (2, "random"), (3, "random"), (5, "random"), (8, "random"),
            (13, "random"), (4, "zeros"), (6, "negative"), (7, "positive"), (24, "random"), (40, "random")]
    if has_float:
        plan += [(5, "nan_inf"), (9, "nan_inf"), (6, "int_for_float"), (1, "nan_inf"), (4, "wide"), (7, "wide"),
                 (3, "huge"), (6, "one_nan"), (5, "one_nan"), (8, "one_nan"), (4, "one_nan"),
                 (5, "list_nan"), (2, "list_nan"), (9, "cancel"), (17, "cancel"), (3, "offset"), (6, "offset"),
                 (10, "edges"), (20, "edges"), (7, "ties"), (12, "ties"), (1, "int_for_float"), (2, "int_for_float"), (3, "int_for_float"), (16, "int_for_float"),
                 (4, "int_for_float_big"), (9, "int_for_float_big")]
        if shapes & {"float", "unknown"}:
            plan += [(1, "int_scalar"), (3, "int_scalar"), (6, "int_scalar"), (2, "int_scalar"), (4, "int_scalar"), (9, "int_scalar")]
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
    if shapes & {"float_matrix", "int_matrix", "array2"}:
        plan += [(4, "spd"), (9, "spd")]
    if shapes & {"float_list", "int_list"}:
        plan += [(1, "text"), (5, "text"), (12, "text"), (7, "text_uni"), (9, "text_ascii"), (40, "text_ascii"), (1, "bytes"), (8, "bytes"), (30, "bytes"), (1, "array"), (7, "array")]
    if shapes & {"float_list", "int_list", "float_matrix", "int_matrix", "float_cube"}:
        plan += [(1, "tuples"), (6, "tuples"), (9, "tuples")]
    if not shapes & set(ARRAY_SHAPES) and any(p.get("nd_too") for p in flat_params(params)):
        # list-indexed parameters of a module that imports NumPy, given as ndarrays
        plan += [(6, "nd_list"), (5, "nd_list_zeros")]
    if shapes & set(ARRAY_SHAPES):
        # dtypes, layouts and subclasses an ndarray fast path takes as they are or refuses; and
        # the list-indexed parameters of such a function given as ndarrays (NumPy scalars then)
        plan += [(5, "nd_int"), (4, "nd_int_big"), (6, "nd_f32"), (5, "nd_bool"), (4, "nd_complex"), (7, "nd_fortran"), (6, "nd_view"), (4, "nd_matrix"),
                 (6, "nd_list"), (5, "nd_list_zeros")]
    if shapes & {"float_matrix", "int_matrix"}:
        plan += [(3, "alias_rows"), (5, "alias_rows")]
    if containers >= 2:
        plan += [(4, "alias_args"), (7, "alias_args")]
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
    shapes = {p["shape"] for p in flat_params(params)}
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



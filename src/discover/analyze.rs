//! Static facts about one function body: loops, numeric work, disqualifiers, parameter shapes.
//! Conservative: when in doubt a function is reported as skipped with a reason, never guessed at.

use super::types::{Param, ParamShape};
use crate::pyast::{self, ast, dotted, name_of, Expr, Stmt};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Default)]
pub struct Facts {
    pub loops: usize,
    pub loop_depth: usize,
    pub comprehensions: usize,
    pub arith: usize,
    pub subscripts: usize,
    pub math_calls: usize,
    pub returns_value: bool,
    /// Why this function must not be rewritten, if it must not.
    pub disqualified: Option<String>,
}

const IO_CALLS: &[&str] = &["print", "open", "input", "exec", "eval", "breakpoint", "__import__"];
const IO_METHODS: &[&str] = &[
    "write", "writelines", "read", "readline", "readlines", "flush", "savefig", "show", "to_csv",
    "to_json", "to_parquet", "send", "recv", "connect",
];
const IO_PREFIXES: &[&str] = &[
    "os.", "sys.", "subprocess.", "socket.", "requests.", "urllib.", "logging.", "shutil.", "pathlib.",
    "json.dump", "json.load", "pickle.", "csv.", "io.", "glob.", "tempfile.", "pd.read_", "pandas.read_",
    "np.load", "np.save", "numpy.load", "numpy.save", "np.loadtxt", "np.savetxt", "logger.", "log.",
];
const RANDOM_PREFIXES: &[&str] = &["random.", "np.random.", "numpy.random.", "time.", "datetime.", "uuid."];

pub fn facts(body: &[Stmt]) -> Facts {
    let mut f = Facts { loop_depth: loop_depth(body), ..Default::default() };
    pyast::walk_stmts(body, &mut |s| match s {
        Stmt::For(_) | Stmt::While(_) => f.loops += 1,
        Stmt::AsyncFor(_) | Stmt::AsyncWith(_) | Stmt::AsyncFunctionDef(_) => {
            f.disqualified.get_or_insert_with(|| "uses async code".into());
        }
        Stmt::Global(g) => {
            f.disqualified.get_or_insert_with(|| format!("writes global state (`global {}`)", g.names.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ")));
        }
        Stmt::Nonlocal(_) => {
            f.disqualified.get_or_insert_with(|| "writes enclosing state (`nonlocal`)".into());
        }
        Stmt::With(_) => {
            f.disqualified.get_or_insert_with(|| "uses a context manager (`with`), usually I/O".into());
        }
        Stmt::AugAssign(_) => f.arith += 1,
        Stmt::Return(r) if r.value.is_some() => f.returns_value = true,
        _ => {}
    });
    pyast::walk_body_exprs(body, &mut |e| match e {
        Expr::BinOp(_) => f.arith += 1,
        Expr::Subscript(_) => f.subscripts += 1,
        Expr::ListComp(x) => {
            f.comprehensions += 1;
            f.loop_depth = f.loop_depth.max(x.generators.len());
        }
        Expr::GeneratorExp(x) => {
            f.comprehensions += 1;
            f.loop_depth = f.loop_depth.max(x.generators.len());
        }
        Expr::SetComp(_) | Expr::DictComp(_) => f.comprehensions += 1,
        Expr::Yield(_) | Expr::YieldFrom(_) => {
            f.disqualified.get_or_insert_with(|| "is a generator (`yield`)".into());
        }
        Expr::Await(_) => {
            f.disqualified.get_or_insert_with(|| "uses async code (`await`)".into());
        }
        Expr::Call(c) => {
            let Some(name) = dotted(&c.func) else { return };
            if IO_CALLS.contains(&name.as_str()) {
                f.disqualified.get_or_insert_with(|| format!("does I/O (`{name}`)"));
            } else if IO_PREFIXES.iter().any(|p| name.starts_with(p)) {
                f.disqualified.get_or_insert_with(|| format!("does I/O or touches the system (`{name}`)"));
            } else if RANDOM_PREFIXES.iter().any(|p| name.starts_with(p)) {
                f.disqualified.get_or_insert_with(|| format!("is nondeterministic (`{name}`)"));
            } else if let Some(method) = name.rsplit('.').next() {
                if name.contains('.') && IO_METHODS.contains(&method) {
                    f.disqualified.get_or_insert_with(|| format!("does I/O (`.{method}()`)"));
                }
            }
            if name.starts_with("math.") || name.starts_with("cmath.") {
                f.math_calls += 1;
            }
        }
        _ => {}
    });
    f
}

fn loop_depth(body: &[Stmt]) -> usize {
    let mut best = 0;
    for s in body {
        if matches!(s, Stmt::FunctionDef(_) | Stmt::AsyncFunctionDef(_) | Stmt::ClassDef(_)) {
            continue;
        }
        let inner = pyast::stmt_blocks(s).into_iter().map(loop_depth).max().unwrap_or(0);
        let here = if matches!(s, Stmt::For(_) | Stmt::While(_)) { 1 } else { 0 };
        best = best.max(here + inner);
    }
    best
}

/// Parameters with their inferred shapes.
pub fn params(src: &str, def: &ast::StmtFunctionDef, skip_first: bool) -> Vec<Param> {
    let a = &def.args;
    let usage = Usage::collect(&def.body);
    let mut out = Vec::new();
    let positional = a.posonlyargs.iter().chain(a.args.iter()).skip(usize::from(skip_first));
    for p in positional {
        let name = p.def.arg.to_string();
        let annotation = p.def.annotation.as_deref().map(|e| pyast::text(src, e).to_string());
        let default = p.default.as_deref();
        let shape = infer_shape(&name, annotation.as_deref(), default, &usage);
        out.push(Param {
            name,
            annotation,
            default: default.map(|d| pyast::text(src, d).to_string()),
            shape,
            variadic: false,
        });
    }
    for (p, kind) in a.vararg.iter().map(|v| (v, "*")).chain(a.kwarg.iter().map(|v| (v, "**"))) {
        out.push(Param {
            name: format!("{kind}{}", p.arg),
            annotation: None,
            default: None,
            shape: ParamShape::Unknown,
            variadic: true,
        });
    }
    for p in &a.kwonlyargs {
        out.push(Param {
            name: p.def.arg.to_string(),
            annotation: None,
            default: p.default.as_deref().map(|d| pyast::text(src, d).to_string()),
            shape: ParamShape::Unknown,
            variadic: true,
        });
    }
    out
}

fn infer_shape(name: &str, annotation: Option<&str>, default: Option<&Expr>, u: &Usage) -> ParamShape {
    let depth = u.depth(name);
    let int_elems = u.int_elements.contains(name);
    if let Some(ann) = annotation {
        let a: String = ann.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
        let a = a.replace("typing.", "");
        let lists = a.matches("list[").count() + a.matches("sequence[").count() + a.matches("iterable[").count();
        if a.contains("ndarray") || a.contains("arraylike") {
            return array_shape(depth);
        }
        if lists >= 3 {
            return ParamShape::FloatCube;
        }
        if lists == 2 {
            return if a.contains("int]") { ParamShape::IntMatrix } else { ParamShape::FloatMatrix };
        }
        if lists == 1 {
            return if a.contains("[int]") { ParamShape::IntList } else { ParamShape::FloatList };
        }
        match a.as_str() {
            "int" => return if u.sizes.contains(name) { ParamShape::Size } else { ParamShape::Int },
            "float" => return ParamShape::Float,
            "bool" => return ParamShape::Bool,
            "str" => return ParamShape::Str,
            "bytes" | "bytearray" => return ParamShape::Bytes,
            _ => {}
        }
    }
    if let Some(Expr::Constant(c)) = default {
        match &c.value {
            ast::Constant::Bool(_) => return ParamShape::Bool,
            ast::Constant::Int(_) => return if u.sizes.contains(name) { ParamShape::Size } else { ParamShape::Int },
            ast::Constant::Float(_) => return ParamShape::Float,
            ast::Constant::Str(_) => return ParamShape::Str,
            _ => {}
        }
    }
    if u.ndarray.contains(name) {
        // `points.shape`, `grid[i, j]`: only an ndarray (a list has neither)
        return array_shape(depth.max(1));
    }
    match depth {
        0 if u.sizes.contains(name) => ParamShape::Size,
        0 if u.int_scalars.contains(name) => ParamShape::Int,
        0 if u.numeric.contains(name) => ParamShape::Float,
        0 => ParamShape::Unknown,
        1 if int_elems => ParamShape::IntList,
        1 => ParamShape::FloatList,
        2 if int_elems => ParamShape::IntMatrix,
        2 => ParamShape::FloatMatrix,
        _ => ParamShape::FloatCube,
    }
}

fn array_shape(depth: usize) -> ParamShape {
    match depth {
        0 | 1 => ParamShape::Array1,
        2 => ParamShape::Array2,
        _ => ParamShape::Array3,
    }
}

/// Attributes only an ndarray has (lists have `.copy()`, `.count()`, `.index()` too: not these).
const NDARRAY_ATTRS: &[&str] = &["shape", "ndim", "dtype", "size", "T", "flat", "astype", "reshape", "ravel", "flatten", "fill", "itemsize", "strides", "nbytes"];

/// How names are used in a body.
#[derive(Default, Debug)]
struct Usage {
    /// Max chain of index subscripts applied directly to the name.
    sub_depth: HashMap<String, usize>,
    /// `for x in name` / `x = name[i]`: x is one level down from name.
    children: HashMap<String, Vec<String>>,
    /// Used as `len(name)` or iterated: at least a sequence.
    sequences: HashSet<String>,
    /// Used as a range bound or list length: a size.
    sizes: HashSet<String>,
    /// Used in int-only ways (`%`, `//`, bit ops, as an index).
    int_scalars: HashSet<String>,
    /// Its elements are used as indices or range bounds.
    int_elements: HashSet<String>,
    /// Appears in arithmetic or comparisons.
    numeric: HashSet<String>,
    /// Used the way only an ndarray can be: an ndarray attribute, a tuple index.
    ndarray: HashSet<String>,
    /// `t = src`: t holds what src holds.
    aliases: Vec<(String, String)>,
}

impl Usage {
    fn collect(body: &[Stmt]) -> Usage {
        let mut u = Usage::default();
        pyast::walk_stmts(body, &mut |s| match s {
            Stmt::For(f) => u.bind_iter(&f.target, &f.iter),
            Stmt::Assign(a) => {
                if let (Some(t), Some(src)) = (a.targets.first().and_then(name_of), name_of(&a.value)) {
                    u.aliases.push((t.to_string(), src.to_string()));
                }
                // `a = [row[:] for row in grid]`: a copy has the dims of what it copies
                if let (Some(t), Some((src, _))) = (a.targets.first().and_then(name_of), pyast::list_copy_of(&a.value)) {
                    u.aliases.push((t.to_string(), src));
                }
                // `n, d = points.shape`: points has two dims
                if let (Some(Expr::Tuple(t)), Expr::Attribute(at)) = (a.targets.first(), a.value.as_ref()) {
                    if at.attr.as_str() == "shape" {
                        if let Some(b) = name_of(&at.value) {
                            let d = u.sub_depth.entry(b.to_string()).or_default();
                            *d = (*d).max(t.elts.len());
                        }
                    }
                }
                if let (Some(t), Expr::Subscript(sub)) = (a.targets.first().and_then(name_of), a.value.as_ref()) {
                    if !matches!(sub.slice.as_ref(), Expr::Slice(_)) {
                        if let Some(base) = name_of(&sub.value) {
                            u.children.entry(base.to_string()).or_default().push(t.to_string());
                        }
                    }
                }
            }
            _ => {}
        });
        pyast::walk_body_exprs(body, &mut |e| match e {
            Expr::Attribute(a) if NDARRAY_ATTRS.contains(&a.attr.as_str()) => {
                if let Some(b) = name_of(&a.value) {
                    u.ndarray.insert(b.to_string());
                }
            }
            Expr::Subscript(_) => {
                if let Expr::Subscript(s) = e {
                    if let (Expr::Tuple(_), Some(b)) = (s.slice.as_ref(), name_of(&s.value)) {
                        u.ndarray.insert(b.to_string());
                    }
                }
                let (base, depth) = subscript_chain(e);
                if let Some(b) = base {
                    let d = u.sub_depth.entry(b.to_string()).or_default();
                    *d = (*d).max(depth);
                }
                if let Expr::Subscript(s) = e {
                    index_names(&s.slice, &mut |n| {
                        u.int_scalars.insert(n.to_string());
                    });
                    // b[a[i]]: a's elements are ints
                    if let Expr::Subscript(inner) = s.slice.as_ref() {
                        if let (Some(b), _) = subscript_chain(&Expr::Subscript(inner.clone())) {
                            u.int_elements.insert(b.to_string());
                        }
                    }
                }
            }
            Expr::Call(c) => {
                let fname = dotted(&c.func).unwrap_or_default();
                if fname == "len" {
                    if let Some(n) = c.args.first().and_then(name_of) {
                        u.sequences.insert(n.to_string());
                    }
                }
                if fname == "range" || fname.ends_with(".zeros") || fname.ends_with(".empty") || fname.ends_with(".ones") || fname == "prange" {
                    for a in &c.args {
                        pyast::walk_expr(a, &mut |x| {
                            if let Some(n) = name_of(x) {
                                u.sizes.insert(n.to_string());
                            }
                            if let Expr::Subscript(_) = x {
                                if let (Some(b), _) = subscript_chain(x) {
                                    u.int_elements.insert(b.to_string());
                                }
                            }
                        });
                    }
                }
                let one_arg_reduction = matches!(fname.as_str(), "sum" | "max" | "min" | "sorted" | "any" | "all") && c.args.len() == 1;
                if fname == "enumerate" || fname == "zip" || one_arg_reduction {
                    for a in &c.args {
                        if let Some(n) = name_of(a) {
                            u.sequences.insert(n.to_string());
                        }
                    }
                } else if matches!(fname.as_str(), "max" | "min" | "abs" | "float" | "int" | "round") || fname.starts_with("math.") {
                    // max(v, lower): scalars
                    for a in &c.args {
                        if let Some(n) = name_of(a) {
                            u.numeric.insert(n.to_string());
                        }
                    }
                }
            }
            Expr::BinOp(b) => {
                let int_op = matches!(
                    b.op,
                    ast::Operator::Mod | ast::Operator::FloorDiv | ast::Operator::BitAnd | ast::Operator::BitOr | ast::Operator::BitXor | ast::Operator::LShift | ast::Operator::RShift
                );
                // [0.0] * n: n is a size
                if matches!(b.op, ast::Operator::Mult) {
                    for (l, r) in [(&b.left, &b.right), (&b.right, &b.left)] {
                        if matches!(l.as_ref(), Expr::List(_)) {
                            if let Some(n) = name_of(r) {
                                u.sizes.insert(n.to_string());
                            }
                        }
                    }
                }
                for side in [&b.left, &b.right] {
                    if let Some(n) = name_of(side) {
                        u.numeric.insert(n.to_string());
                        if int_op && matches!(b.op, ast::Operator::BitAnd | ast::Operator::BitOr | ast::Operator::BitXor | ast::Operator::LShift | ast::Operator::RShift) {
                            u.int_scalars.insert(n.to_string());
                        }
                    }
                    if int_op {
                        if let (Some(base), _) = subscript_chain(side) {
                            if matches!(b.op, ast::Operator::BitAnd | ast::Operator::BitOr | ast::Operator::BitXor | ast::Operator::LShift | ast::Operator::RShift) {
                                u.int_elements.insert(base.to_string());
                            }
                        }
                    }
                }
            }
            Expr::Compare(c) => {
                for side in std::iter::once(c.left.as_ref()).chain(c.comparators.iter()) {
                    if let Some(n) = name_of(side) {
                        u.numeric.insert(n.to_string());
                    }
                }
            }
            Expr::UnaryOp(x) => {
                if let Some(n) = name_of(&x.operand) {
                    u.numeric.insert(n.to_string());
                }
            }
            Expr::ListComp(lc) => {
                for g in &lc.generators {
                    u.bind_iter(&g.target, &g.iter);
                }
            }
            Expr::GeneratorExp(ge) => {
                for g in &ge.generators {
                    u.bind_iter(&g.target, &g.iter);
                }
            }
            _ => {}
        });
        // `balance = principal; balance * r`: principal is numeric too
        for _ in 0..4 {
            for (t, src) in u.aliases.clone() {
                if u.numeric.contains(&t) {
                    u.numeric.insert(src.clone());
                }
                if let Some(d) = u.sub_depth.get(&t).copied() {
                    let e = u.sub_depth.entry(src).or_default();
                    *e = (*e).max(d);
                }
            }
        }
        // `w = weights[i]` (or `for w in weights`) with w a range bound or an index: weights'
        // elements are ints (a float there raises in Python); through rows too (`row = A[i]`)
        for _ in 0..3 {
            for (base, kids) in u.children.clone() {
                // (a name under `len()` in a range bound is a sequence, not an int: `for p in
                // points: range(len(p))`; nor is one that is itself indexed or iterated)
                let scalar = |k: &String| !u.sequences.contains(k) && u.sub_depth.get(k).copied().unwrap_or(0) == 0;
                if kids.iter().any(|k| scalar(k) && (u.sizes.contains(k) || u.int_scalars.contains(k)) || u.int_elements.contains(k)) {
                    u.int_elements.insert(base);
                }
            }
        }
        u
    }

    /// `for t in it`: record that t is an element of it (through enumerate and zip too).
    fn bind_iter(&mut self, target: &Expr, it: &Expr) {
        if let Some(base) = name_of(it) {
            self.sequences.insert(base.to_string());
            if let Some(t) = name_of(target) {
                self.children.entry(base.to_string()).or_default().push(t.to_string());
            }
            return;
        }
        if let Expr::Call(c) = it {
            let f = dotted(&c.func).unwrap_or_default();
            let elts: Vec<&Expr> = match target {
                Expr::Tuple(t) => t.elts.iter().collect(),
                other => vec![other],
            };
            if f == "enumerate" && elts.len() == 2 {
                if let Some(i) = name_of(elts[0]) {
                    self.int_scalars.insert(i.to_string());
                }
                if let (Some(base), Some(t)) = (c.args.first().and_then(name_of), name_of(elts[1])) {
                    self.sequences.insert(base.to_string());
                    self.children.entry(base.to_string()).or_default().push(t.to_string());
                }
            } else if f == "zip" && elts.len() == c.args.len() {
                for (a, t) in c.args.iter().zip(elts) {
                    if let (Some(base), Some(t)) = (name_of(a), name_of(t)) {
                        self.sequences.insert(base.to_string());
                        self.children.entry(base.to_string()).or_default().push(t.to_string());
                    }
                }
            }
        }
    }

    fn depth(&self, name: &str) -> usize {
        self.depth_guarded(name, 0)
    }

    fn depth_guarded(&self, name: &str, guard: usize) -> usize {
        if guard > 6 {
            return 0;
        }
        let mut d = self.sub_depth.get(name).copied().unwrap_or(0);
        if self.sequences.contains(name) {
            d = d.max(1);
        }
        if let Some(kids) = self.children.get(name) {
            for k in kids {
                if k != name {
                    d = d.max(1 + self.depth_guarded(k, guard + 1));
                }
            }
        }
        d
    }
}

/// Parameters that hold text: their characters are compared with `str` literals or passed to
/// `ord` (`for ch in text: if ch == ' '`, `ord(s[i])`, `c in "aeiou"`). Their shape stays a
/// list's (the verifier tries lists, bytes and text there); the benchmark times them on text,
/// where a float list would run the function without ever meeting a character.
pub fn text_params(source: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let code = crate::edit::dedent(source);
    let Ok(module) = pyast::parse_module(&code, "<function>") else { return out };
    let Some(Stmt::FunctionDef(def)) = module.first() else { return out };
    let is_str = |e: &Expr| matches!(e, Expr::Constant(c) if matches!(c.value, ast::Constant::Str(_)));
    let mut texty: HashSet<String> = HashSet::new();
    pyast::walk_body_exprs(&def.body, &mut |e| {
        let mark = |x: &Expr, texty: &mut HashSet<String>| {
            if let (Some(b), _) = subscript_chain(x) {
                texty.insert(b.to_string());
            } else if let Some(n) = name_of(x) {
                texty.insert(n.to_string());
            }
        };
        match e {
            Expr::Compare(c) => {
                let ops: Vec<&Expr> = std::iter::once(c.left.as_ref()).chain(c.comparators.iter()).collect();
                if ops.iter().any(|o| is_str(o)) {
                    for o in ops.iter().filter(|o| !is_str(o)) {
                        mark(o, &mut texty);
                    }
                }
            }
            Expr::Call(c) if dotted(&c.func).as_deref() == Some("ord") && c.args.len() == 1 => mark(&c.args[0], &mut texty),
            _ => {}
        }
    });
    // `for ch in text`, `for i, ch in enumerate(text)`, `c = s[i]`: ch and c are characters of
    // text and s
    let mut parent: Vec<(String, String)> = Vec::new();
    pyast::walk_stmts(&def.body, &mut |s| match s {
        Stmt::For(f) => {
            let (target, iter) = match (f.target.as_ref(), f.iter.as_ref()) {
                (Expr::Tuple(t), Expr::Call(c)) if dotted(&c.func).as_deref() == Some("enumerate") && t.elts.len() == 2 && !c.args.is_empty() => (name_of(&t.elts[1]), name_of(&c.args[0])),
                (t, i) => (name_of(t), name_of(i)),
            };
            if let (Some(t), Some(i)) = (target, iter) {
                parent.push((t.to_string(), i.to_string()));
            }
        }
        Stmt::Assign(a) => {
            if let ([Expr::Name(t)], Expr::Subscript(sub)) = (a.targets.as_slice(), a.value.as_ref()) {
                if let (false, Some(b)) = (matches!(sub.slice.as_ref(), Expr::Slice(_)), name_of(&sub.value)) {
                    parent.push((t.id.to_string(), b.to_string()));
                }
            }
        }
        _ => {}
    });
    for (child, base) in &parent {
        if texty.contains(child) {
            texty.insert(base.clone());
        }
    }
    for p in def.args.posonlyargs.iter().chain(def.args.args.iter()) {
        if texty.contains(p.def.arg.as_str()) {
            out.insert(p.def.arg.to_string());
        }
    }
    out
}

/// `a[i][j]` and `a[i, j]` -> (Some("a"), 2). Slices do not add depth.
fn subscript_chain(e: &Expr) -> (Option<&str>, usize) {
    match e {
        Expr::Subscript(s) => {
            let (b, d) = subscript_chain(&s.value);
            // `grid[i, j]` indexes two dimensions at once (an ndarray)
            let here = match s.slice.as_ref() {
                Expr::Slice(_) => 0,
                Expr::Tuple(t) => t.elts.len(),
                _ => 1,
            };
            (b, d + here)
        }
        Expr::Name(n) => (Some(n.id.as_str()), 0),
        _ => (None, 0),
    }
}

/// Names used (directly or in arithmetic) as an index.
fn index_names<'a>(slice: &'a Expr, f: &mut dyn FnMut(&'a str)) {
    match slice {
        Expr::Name(n) => f(n.id.as_str()),
        Expr::BinOp(b) => {
            index_names(&b.left, f);
            index_names(&b.right, f);
        }
        Expr::Tuple(t) => {
            for e in &t.elts {
                index_names(e, f);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::discover::{function_at, ParamShape};

    fn shapes(src: &str) -> Vec<ParamShape> {
        function_at("m.py", src, "f").unwrap().params.iter().map(|p| p.shape).collect()
    }

    #[test]
    fn elements_used_through_a_local_as_range_bounds_or_indices_are_ints() {
        // `w = weights[i]` bounds a range and indexes: weights holds ints
        let knapsack = "def f(weights, values, cap):\n    dp = [0] * (cap + 1)\n    for i in range(len(weights)):\n        w = weights[i]\n        v = values[i]\n        for c in range(cap, w - 1, -1):\n            if dp[c - w] + v > dp[c]:\n                dp[c] = dp[c - w] + v\n    return dp[cap]\n";
        assert_eq!(shapes(knapsack), [ParamShape::IntList, ParamShape::FloatList, ParamShape::Size]);
        let lookup = "def f(idx, table):\n    s = 0.0\n    for k in idx:\n        s += table[k]\n    return s\n";
        assert_eq!(shapes(lookup), [ParamShape::IntList, ParamShape::FloatList]);
    }

    #[test]
    fn a_row_measured_in_a_range_bound_is_not_an_int() {
        // `range(len(p))` measures the row p: points' elements stay floats
        let kmeans = "def f(points, centroids):\n    out = []\n    for p in points:\n        d = 0.0\n        for k in range(len(p)):\n            d += (p[k] - centroids[0][k]) ** 2\n        out.append(d)\n    return out\n";
        assert_eq!(shapes(kmeans), [ParamShape::FloatMatrix, ParamShape::FloatMatrix]);
    }
    #[test]
    fn a_copy_has_the_dims_of_what_it_copies_and_compared_characters_are_text() {
        // the body indexes only the copies: grid is 3-D, not the 2-D its comprehension shows
        let heat = "def f(grid, steps):\n    a = [[row[:] for row in plane] for plane in grid]\n    for t in range(steps):\n        for i in range(1, len(grid) - 1):\n            a[i][1][1] = a[i - 1][1][1] * 0.5\n    return a\n";
        assert_eq!(shapes(heat), [ParamShape::FloatCube, ParamShape::Size]);
        let scan = "def f(text, s, xs):\n    n = 0\n    for i, ch in enumerate(text):\n        if ch == ' ' or ord(s[i]) > 64:\n            n += xs[i]\n    return n\n";
        let texts: Vec<String> = super::text_params(scan).into_iter().collect();
        assert_eq!(texts, ["s", "text"]);
    }

}

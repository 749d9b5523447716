//! The public-interface adapter shared by the rules: the original keeps its signature; list
//! arguments become arrays only on a guarded fast path, and everything the fast path cannot
//! reproduce exactly (empty, ragged, mixed or big-int input) takes the original Python path.
//!
//! Python counterexample the guards protect: `dot([2**40] * 3, [2**40] * 3)` is exact in Python
//! and wraps in int64; `_aiaccel_int_ok` sends it to the original.

use crate::discover::{Function, ParamShape};
use crate::pyast::{self, ast, Expr, Stmt};
use std::collections::BTreeSet;

/// `text` with its Numba decorators' on-disk cache off where the module also runs as a script
/// (`if __name__ == "__main__":`). Numba's cache is keyed by the file, and an entry written when
/// the module was imported as `scripts.tool` is loaded when it runs as `__main__` too, which
/// then fails (`ModuleNotFoundError: No module named 'scripts'`): such a module compiles at each
/// start instead.
pub fn script_safe_cache(runs_as_script: bool, text: String) -> String {
    if !runs_as_script {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with('@') && line.contains("cache=True") {
            out.push_str(&line.replace("cache=True", "cache=False"));
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
#[test]
fn a_module_that_runs_as_a_script_gets_no_numba_cache() {
    let text = "@_aiaccel_nb.njit(cache=True, boundscheck=True)\ndef _k(a):\n    s = 'cache=True'\n".to_string();
    assert!(runs_as_script("def f():\n    pass\n\nif __name__ == \"__main__\":\n    f()\n"));
    assert!(!runs_as_script("def f():\n    pass\n"));
    let out = script_safe_cache(true, text.clone());
    assert!(out.starts_with("@_aiaccel_nb.njit(cache=False, boundscheck=True)\n") && out.contains("s = 'cache=True'"), "{out}");
    assert_eq!(script_safe_cache(false, text.clone()), text);
}

/// Whether a module also runs as a script (`if __name__ == "__main__":`).
pub fn runs_as_script(module_src: &str) -> bool {
    module_src.contains("__name__") && (module_src.contains("\"__main__\"") || module_src.contains("'__main__'"))
}

/// How one parameter crosses into the fast path.
#[derive(Debug, Clone)]
pub enum Conv {
    /// A list of `ndim` dims of `float` or `int` elements converted with `_aiaccel_arr`.
    /// `ints_too`: a float-shaped list whose all-int values also take the fast path (as int64),
    /// where the body makes no float at all (see `kernel::makes_floats`).
    /// `seq`, bits: 1, a `bytes` value is taken as its int list too (never written); 2, a `str`
    /// as its code points (the body only compares its characters); 4, tuples for the lists and
    /// a numeric `array.array` for a flat list (never written, never returned); 8, a `str`
    /// alone, as its code points, and nothing else (the body calls `ord` on its characters or
    /// compares them with `str` literals).
    List { ndim: usize, as_float: bool, int_elems: bool, ints_too: bool, seq: u8 },
    /// A number checked with `_aiaccel_scalar_ok`.
    Scalar,
    /// Passed as is (unused in arithmetic, or a shape aiaccel does not convert).
    Pass,
    /// An ndarray of `ndim` dims, passed to the kernel as it is (any layout, no conversion) when
    /// `_aiaccel_nd_ok` holds; a mutated one goes as a copy that is written back on success.
    Array { ndim: usize },
}

#[derive(Debug, Clone)]
pub struct ParamPlan {
    pub name: String,
    pub conv: Conv,
    /// Stored into by the body (`xs[i] = ...`): written back after the fast path.
    pub mutated: bool,
    /// Stored into with a value that may be a float (`h[i] = h[i] + v[i] * s`): an integer
    /// array takes the original path, where NumPy raises on NaN, inf or a float past int64 and
    /// a compiled store would convert it silently.
    pub stores_non_ints: bool,
    /// A list parameter of a function in a module that imports NumPy: an ndarray of its dims
    /// and element type takes the fast path too (`_aiaccel_arr(..., nd=True)`).
    pub nd_too: bool,
}

impl ParamPlan {
    /// The name the fast path uses for this parameter.
    pub fn fast_name(&self) -> String {
        match self.conv {
            Conv::List { .. } => format!("_a_{}", self.name),
            Conv::Array { .. } if self.mutated => format!("_a_{}", self.name),
            _ => self.name.clone(),
        }
    }
}

/// Plan the parameters, or say why the rule cannot apply.
pub fn plan_params(f: &Function, def: &ast::StmtFunctionDef) -> Result<Vec<ParamPlan>, String> {
    if f.params.iter().any(|p| p.variadic) {
        return Err("has *args, **kwargs or keyword-only parameters".into());
    }
    let stores = stored_bases(&def.body);
    let float_stores = float_stored_bases(&def.body);
    let int_stores = int_only_stored_bases(&def.body);
    let mut out = Vec::new();
    for p in &f.params {
        let conv = match p.shape {
            ParamShape::FloatList => Conv::List { ndim: 1, as_float: false, int_elems: false, ints_too: false, seq: 0 },
            ParamShape::IntList => Conv::List { ndim: 1, as_float: false, int_elems: true, ints_too: false, seq: 0 },
            ParamShape::FloatMatrix => Conv::List { ndim: 2, as_float: false, int_elems: false, ints_too: false, seq: 0 },
            ParamShape::IntMatrix => Conv::List { ndim: 2, as_float: false, int_elems: true, ints_too: false, seq: 0 },
            ParamShape::FloatCube => Conv::List { ndim: 3, as_float: false, int_elems: false, ints_too: false, seq: 0 },
            ParamShape::Size | ParamShape::Int | ParamShape::Float | ParamShape::Bool => Conv::Scalar,
            ParamShape::Unknown => Conv::Pass,
            ParamShape::Array1 => Conv::Array { ndim: 1 },
            ParamShape::Array2 => Conv::Array { ndim: 2 },
            ParamShape::Array3 => Conv::Array { ndim: 3 },
            ParamShape::Str | ParamShape::Bytes => return Err(format!("parameter `{}` is text or bytes", p.name)),
        };
        let mutated = stores.contains(&p.name);
        let conv = match conv {
            Conv::List { ndim, int_elems, .. } => Conv::List { ndim, as_float: mutated && float_stores.contains(&p.name), int_elems, ints_too: false, seq: 0 },
            c => c,
        };
        if mutated && !matches!(conv, Conv::List { .. } | Conv::Array { .. }) {
            return Err(format!("parameter `{}` is stored into but is not a list or an array of numbers", p.name));
        }
        let stores_non_ints = mutated && !int_stores.contains(&p.name);
        let nd_too = f.numpy_module && matches!(conv, Conv::List { .. });
        out.push(ParamPlan { name: p.name.clone(), conv, mutated, stores_non_ints, nd_too });
    }
    if mutating_method_calls(&def.body, &out) {
        return Err("calls a mutating method (append, sort, ...) on a parameter".into());
    }
    Ok(out)
}

/// Names whose elements are assigned (`a[i] = ...`, `a[i][j] += ...`).
pub fn stored_bases(body: &[Stmt]) -> BTreeSet<String> {
    let alias = row_aliases(body);
    let mut s = BTreeSet::new();
    for (base, _) in element_stores(body) {
        s.insert(resolve_alias(&alias, &base));
    }
    s
}

/// Names whose every element store is of a value that is an int whatever the inputs are (int
/// literals, `range` loop counters, `len()`, `int()`, elements of the same name, and `+ - * //
/// % ** << >> & | ^` of those).
///
/// ```python
/// counts[b] += 1              # int-valued: an int64 array of counts stays on the fast path
/// h[i] = h[i] + v[i] * s      # not: v and s may be floats (NaN into an int array raises)
/// ```
fn int_only_stored_bases(body: &[Stmt]) -> BTreeSet<String> {
    let alias = row_aliases(body);
    let mut counters = BTreeSet::new();
    pyast::walk_stmts(body, &mut |s| {
        if let Stmt::For(f) = s {
            if let (Expr::Name(v), Expr::Call(c)) = (f.target.as_ref(), f.iter.as_ref()) {
                if pyast::dotted(&c.func).as_deref() == Some("range") {
                    counters.insert(v.id.to_string());
                }
            }
        }
    });
    fn int_valued(e: &Expr, base: &str, alias: &std::collections::BTreeMap<String, String>, counters: &BTreeSet<String>) -> bool {
        let iv = |x: &Expr| int_valued(x, base, alias, counters);
        match e {
            Expr::Constant(c) => matches!(c.value, ast::Constant::Int(_) | ast::Constant::Bool(_)),
            Expr::Name(n) => counters.contains(n.id.as_str()),
            Expr::Subscript(_) => subscript_base(e).is_some_and(|b| resolve_alias(alias, b) == base),
            Expr::BinOp(b) => !matches!(b.op, ast::Operator::Div | ast::Operator::MatMult) && iv(&b.left) && iv(&b.right),
            Expr::UnaryOp(u) => !matches!(u.op, ast::UnaryOp::Not) && iv(&u.operand),
            Expr::Call(c) => match pyast::dotted(&c.func).as_deref() {
                Some("int" | "len") => c.args.len() == 1,
                Some("abs" | "min" | "max") => !c.args.is_empty() && c.keywords.is_empty() && c.args.iter().all(iv),
                _ => false,
            },
            _ => false,
        }
    }
    let mut all: BTreeSet<String> = BTreeSet::new();
    let mut not_int: BTreeSet<String> = BTreeSet::new();
    // `h[i] /= 2`: the division makes the float, not the operand
    pyast::walk_stmts(body, &mut |s| {
        if let Stmt::AugAssign(a) = s {
            if matches!(a.op, ast::Operator::Div | ast::Operator::MatMult) {
                if let Some(b) = subscript_base(&a.target) {
                    not_int.insert(resolve_alias(&alias, b));
                }
            }
        }
    });
    for (b, v) in element_stores(body) {
        let b = resolve_alias(&alias, &b);
        if !v.is_some_and(|v| int_valued(v, &b, &alias, &counters)) {
            not_int.insert(b.clone());
        }
        all.insert(b);
    }
    all.difference(&not_int).cloned().collect()
}

/// Names whose elements are assigned a float-valued expression.
fn float_stored_bases(body: &[Stmt]) -> BTreeSet<String> {
    let alias = row_aliases(body);
    let mut out: BTreeSet<String> = element_stores(body).into_iter().filter(|(_, v)| v.map(is_float_expr).unwrap_or(false)).map(|(b, _)| resolve_alias(&alias, &b)).collect();
    // `a[i][j] /= d`: a true division stores a float whatever the operands
    pyast::walk_stmts(body, &mut |s| {
        if let Stmt::AugAssign(a) = s {
            if matches!(a.op, ast::Operator::Div) {
                if let Some(b) = subscript_base(&a.target) {
                    out.insert(resolve_alias(&alias, b));
                }
            }
        }
    });
    out
}

/// `row = grid[i]`: `row` is a row of `grid`, and a store into `row[j]` mutates `grid`; so does
/// a store into `c[i][j]` after `c = grid` (the same object under another name).
///
/// ```python
/// def relax(dist):
///     row_i = dist[0]
///     row_i[0] = 1.0   # the caller's dist changes: the adapter must write it back
/// ```
pub fn row_aliases(body: &[Stmt]) -> std::collections::BTreeMap<String, String> {
    let mut m = std::collections::BTreeMap::new();
    pyast::walk_stmts(body, &mut |s| {
        if let Stmt::Assign(a) = s {
            let base = match (a.targets.as_slice(), a.value.as_ref()) {
                ([Expr::Name(_)], Expr::Subscript(_)) => subscript_base(&a.value),
                ([Expr::Name(_)], Expr::Name(v)) => Some(v.id.as_str()),
                _ => None,
            };
            if let (Some(b), [Expr::Name(t)]) = (base, a.targets.as_slice()) {
                if b != t.id.as_str() {
                    m.insert(t.id.to_string(), b.to_string());
                }
            }
        }
    });
    m
}

pub fn resolve_alias(alias: &std::collections::BTreeMap<String, String>, name: &str) -> String {
    let mut cur = name.to_string();
    for _ in 0..8 {
        match alias.get(&cur) {
            Some(next) => cur = next.clone(),
            None => break,
        }
    }
    cur
}

/// (base name, stored value) for every element store in the body.
pub fn element_stores(body: &[Stmt]) -> Vec<(String, Option<&Expr>)> {
    let mut v = Vec::new();
    pyast::walk_stmts(body, &mut |s| {
        let (targets, value): (Vec<&Expr>, Option<&Expr>) = match s {
            Stmt::Assign(a) => (a.targets.iter().collect(), Some(&a.value)),
            Stmt::AugAssign(a) => (vec![a.target.as_ref()], Some(&a.value)),
            Stmt::AnnAssign(a) => (vec![a.target.as_ref()], a.value.as_deref()),
            Stmt::Delete(d) => (d.targets.iter().collect(), None),
            _ => (vec![], None),
        };
        for t in targets {
            if let Expr::Subscript(_) = t {
                if let Some(b) = subscript_base(t) {
                    v.push((b.to_string(), value));
                }
            }
            if let Expr::Tuple(tu) = t {
                for e in &tu.elts {
                    if let Some(b) = subscript_base(e).filter(|_| matches!(e, Expr::Subscript(_))) {
                        v.push((b.to_string(), None));
                    }
                }
            }
        }
    });
    v
}

/// Number parameters that may reach what the caller sees (a returned value, an element of a
/// written list) as they came in, an int staying an int: compiled, such a value is unified with
/// the floats it meets, where Python keeps the int.
/// ```python
/// b = lo
/// for i in range(len(x)): b = max(b, x[i])
/// return b                     # best([1.0, 2.0], 5) is 5 in Python, 5.0 compiled
/// ```
/// A compiled kernel takes such a parameter only as a float (`exact_float_checks`). A value
/// that meets a float on the way (`/`, a float literal, an element of a float list or array)
/// is a float in both and frees it. Conservative: any other use in an assigned expression
/// (`+`, `max`, `or`, a conditional) carries it along.
pub fn numbers_returned_as_is(f: &Function, def: &ast::StmtFunctionDef, params: &[ParamPlan]) -> Vec<String> {
    let float_containers: BTreeSet<&str> = params
        .iter()
        .filter(|p| match p.conv {
            Conv::List { int_elems, ints_too, .. } => !int_elems && !ints_too,
            Conv::Array { .. } => true,
            _ => false,
        })
        .map(|p| p.name.as_str())
        .collect();
    let nd_params: BTreeSet<&str> = params.iter().filter(|p| matches!(p.conv, Conv::Array { .. })).map(|p| p.name.as_str()).collect();
    let mut out = Vec::new();
    for p in &f.params {
        if !matches!(p.shape, ParamShape::Float | ParamShape::Unknown) || !params.iter().any(|q| q.name == p.name && matches!(q.conv, Conv::Scalar | Conv::Pass)) {
            continue;
        }
        let mut tainted: BTreeSet<String> = BTreeSet::from([p.name.clone()]);
        loop {
            let before = tainted.len();
            pyast::walk_stmts(&def.body, &mut |s| {
                let (targets, value): (Vec<&Expr>, Option<&Expr>) = match s {
                    Stmt::Assign(a) => (a.targets.iter().collect(), Some(a.value.as_ref())),
                    Stmt::AnnAssign(a) => (vec![a.target.as_ref()], a.value.as_deref()),
                    Stmt::For(l) => (vec![l.target.as_ref()], Some(l.iter.as_ref())),
                    Stmt::AugAssign(a) if !matches!(a.op, ast::Operator::Div) => {
                        let v = a.value.as_ref();
                        // `C[i][j] *= beta` on a float list: a float whatever beta is
                        let float_other = certainly_float(v, &float_containers, &tainted) || certainly_float(&a.target, &float_containers, &tainted);
                        (if float_other { vec![] } else { vec![a.target.as_ref()] }, Some(v))
                    }
                    _ => (vec![], None),
                };
                let Some(v) = value else { return };
                if !carries(v, &tainted, &float_containers) {
                    return;
                }
                for t in targets {
                    let mut names = Vec::new();
                    target_names(t, &mut names);
                    for n in names {
                        // an element stored into an ndarray parameter is converted to its dtype
                        // in both
                        if !nd_params.contains(n.as_str()) || pyast::name_of(t).is_some() {
                            tainted.insert(n);
                        }
                    }
                }
            });
            if tainted.len() == before {
                break;
            }
        }
        let mut reaches = false;
        pyast::walk_stmts(&def.body, &mut |s| {
            if let Stmt::Return(r) = s {
                reaches |= r.value.as_deref().is_some_and(|v| carries(v, &tainted, &float_containers));
            }
        });
        // a list parameter the value was stored into: the caller sees its elements
        reaches |= params.iter().any(|q| q.name != p.name && matches!(q.conv, Conv::List { .. }) && q.mutated && tainted.contains(&q.name));
        if reaches {
            out.push(p.name.clone());
        }
    }
    out
}

/// The fast-path checks for `numbers_returned_as_is` parameters of a compiled kernel: a float only.
pub fn exact_float_checks(names: &[String]) -> Vec<String> {
    names.iter().map(|n| format!("type({n}) is not float")).collect()
}

/// Whether the value of `e` may be one of the `tainted` names' values as it is (or an int
/// computed from them without meeting a float).
fn carries(e: &Expr, tainted: &BTreeSet<String>, floats: &BTreeSet<&str>) -> bool {
    match e {
        Expr::Name(n) => tainted.contains(n.id.as_str()),
        Expr::BinOp(b) => {
            !matches!(b.op, ast::Operator::Div)
                && !certainly_float(&b.left, floats, tainted)
                && !certainly_float(&b.right, floats, tainted)
                && (carries(&b.left, tainted, floats) || carries(&b.right, tainted, floats))
        }
        Expr::UnaryOp(u) => !matches!(u.op, ast::UnaryOp::Not) && carries(&u.operand, tainted, floats),
        Expr::BoolOp(b) => b.values.iter().any(|v| carries(v, tainted, floats)),
        Expr::IfExp(i) => carries(&i.body, tainted, floats) || carries(&i.orelse, tainted, floats),
        Expr::NamedExpr(n) => carries(&n.value, tainted, floats),
        Expr::Tuple(t) => t.elts.iter().any(|v| carries(v, tainted, floats)),
        Expr::List(l) => l.elts.iter().any(|v| carries(v, tainted, floats)),
        Expr::Starred(s) => carries(&s.value, tainted, floats),
        // a tainted list or buffer indexed: its elements
        Expr::Subscript(s) => subscript_base(e).is_some_and(|b| tainted.contains(b)) && !matches!(s.slice.as_ref(), Expr::Slice(_)) || matches!(s.slice.as_ref(), Expr::Slice(_)) && carries(&s.value, tainted, floats),
        Expr::Call(c) => match pyast::dotted(&c.func).as_deref() {
            Some("max" | "min" | "abs" | "sum" | "sorted" | "list" | "tuple") => c.args.iter().any(|a| carries(a, tainted, floats)),
            _ => false,
        },
        _ => false,
    }
}

/// A float whatever the inputs: a float literal, a true division, `float()`, an element of a
/// float list or array parameter.
/// (An element of a container the value was stored into is not: `xs[0] = lo`.)
fn certainly_float(e: &Expr, floats: &BTreeSet<&str>, tainted: &BTreeSet<String>) -> bool {
    match e {
        Expr::Constant(c) => matches!(c.value, ast::Constant::Float(_)),
        Expr::BinOp(b) => matches!(b.op, ast::Operator::Div) || certainly_float(&b.left, floats, tainted) || certainly_float(&b.right, floats, tainted),
        Expr::UnaryOp(u) => matches!(u.op, ast::UnaryOp::USub | ast::UnaryOp::UAdd) && certainly_float(&u.operand, floats, tainted),
        Expr::Call(c) => pyast::dotted(&c.func).as_deref() == Some("float"),
        Expr::Subscript(s) => !matches!(s.slice.as_ref(), Expr::Slice(_)) && subscript_base(e).is_some_and(|b| floats.contains(b) && !tainted.contains(b)),
        _ => false,
    }
}

fn target_names(t: &Expr, out: &mut Vec<String>) {
    match t {
        Expr::Name(n) => out.push(n.id.to_string()),
        Expr::Tuple(tu) => tu.elts.iter().for_each(|x| target_names(x, out)),
        Expr::List(l) => l.elts.iter().for_each(|x| target_names(x, out)),
        Expr::Starred(s) => target_names(&s.value, out),
        // an element stored: the container holds it
        Expr::Subscript(_) => out.extend(subscript_base(t).map(str::to_string)),
        _ => {}
    }
}

/// The name at the bottom of `a[i][j]`.
pub fn subscript_base(e: &Expr) -> Option<&str> {
    match e {
        Expr::Subscript(s) => subscript_base(&s.value),
        Expr::Name(n) => Some(n.id.as_str()),
        _ => None,
    }
}

fn mutating_method_calls(body: &[Stmt], params: &[ParamPlan]) -> bool {
    const MUTATING: &[&str] = &["append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse", "update", "add", "discard", "setdefault", "popitem"];
    let mut found = false;
    pyast::walk_body_exprs(body, &mut |e| {
        if let Expr::Call(c) = e {
            if let Expr::Attribute(a) = c.func.as_ref() {
                if MUTATING.contains(&a.attr.as_str()) {
                    if let Some(b) = subscript_base(&a.value) {
                        if params.iter().any(|p| p.name == b) {
                            found = true;
                        }
                    }
                }
            }
        }
    });
    found
}

/// True when the expression certainly yields a float: a float literal, true division, a
/// float-valued math function, `float(...)`.
pub fn is_float_expr(e: &Expr) -> bool {
    let mut found = false;
    pyast::walk_expr(e, &mut |x| match x {
        Expr::Constant(c) if matches!(c.value, ast::Constant::Float(_)) => found = true,
        Expr::BinOp(b) if matches!(b.op, ast::Operator::Div) => found = true,
        Expr::Call(c) => {
            let name = pyast::dotted(&c.func).unwrap_or_default();
            if name == "float" || (name.starts_with("math.") && !matches!(name.as_str(), "math.floor" | "math.ceil" | "math.trunc" | "math.comb" | "math.perm" | "math.factorial" | "math.gcd" | "math.isqrt")) {
                found = true;
            }
        }
        Expr::Attribute(_) if matches!(pyast::dotted(x).as_deref(), Some("math.pi" | "math.e" | "math.inf" | "math.nan" | "math.tau")) => found = true,
        _ => {}
    });
    found
}

/// `return _f_py(xs, n)`: the fallback call with the caller's own arguments.
pub fn call_original(params: &[ParamPlan], py_name: &str) -> String {
    format!("return {py_name}({})", params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", "))
}

/// The public function: the original's `def` line(s) and a body of unindented `lines`.
pub fn public_def(header: &str, lines: &[String]) -> String {
    format!("{header}\n{}", lines.iter().map(|l| format!("    {l}\n")).collect::<String>())
}

/// The statements of a guarded fast path: convert, check, else call the original.
/// Returns (lines, names of converted arrays).
///
/// The int guard bounds |v|**`int_degree` * n below 2**62, with |v| the largest magnitude among
/// the int arrays and `int_values` (scalar parameters and int literals the computed expressions
/// use, where nothing else checks them): `x * k` with a scalar `k = 2**40` leaves int64 as
/// surely as a big element.
pub fn guard_lines(params: &[ParamPlan], py_name: &str, int_degree: usize, int_values: &[String], extra_checks: &[String]) -> (Vec<String>, Vec<String>) {
    let mut lines = Vec::new();
    let mut checks = Vec::new();
    let mut arrays = Vec::new();
    let mut copies = Vec::new();
    // in a function that takes ndarrays, the list-indexed parameters may be ndarrays too (the
    // verifier generates both there); elsewhere an ndarray in a list's place runs the original
    let nd = params.iter().any(|p| matches!(p.conv, Conv::Array { .. }));
    for p in params {
        match p.conv {
            Conv::List { ndim, as_float, int_elems, ints_too, seq } => {
                let a = p.fast_name();
                let elem = if int_elems { "int" } else if ints_too && !as_float { "None" } else { "float" };
                let mut flags = match (as_float, nd || p.nd_too) {
                    (false, false) => String::new(),
                    (true, false) => ", True".into(),
                    (false, true) => ", nd=True".into(),
                    (true, true) => ", True, nd=True".into(),
                };
                if seq > 0 {
                    flags.push_str(&format!(", seq={seq}"));
                }
                if p.mutated && ndim > 1 {
                    flags.push_str(", mut=True");
                }
                if seq & 8 != 0 {
                    // a `str` alone, as its code points (`kernel::text_params_once`)
                    lines.push(format!("{a} = _aiaccel_text({})", p.name));
                } else {
                    lines.push(format!("{a} = _aiaccel_arr({}, {ndim}, {elem}{flags})", p.name));
                }
                checks.push(format!("{a} is None"));
                if p.mutated && (nd || p.nd_too) {
                    // a read-only ndarray the body writes: the original raises partway (or
                    // not at all, where nothing needs writing); the kernel's copy would not
                    checks.push(format!("(type({n}) is _aiaccel_np.ndarray and not {n}.flags.writeable)", n = p.name));
                }
                arrays.push(a);
            }
            // an unknown parameter takes the fast path only as a plain number: a list would be a
            // reflected list in Numba (an empty one cannot even be typed)
            Conv::Scalar | Conv::Pass => checks.push(format!("not _aiaccel_scalar_ok({})", p.name)),
            // exactly an ndarray (no subclass: np.matrix, masked arrays), of the dims the body
            // uses and a numeric dtype the kernel can compile exactly
            Conv::Array { ndim } => {
                checks.push(format!("not _aiaccel_nd_ok({}, {ndim})", p.name));
                if p.mutated {
                    // a read-only array the body writes: the original raises partway, with its
                    // earlier writes to the other arguments made
                    checks.push(format!("not {}.flags.writeable", p.name));
                }
                if p.stores_non_ints {
                    // a float into an int array: NumPy raises on NaN, inf and values past int64
                    // (and truncates the rest), a compiled store converts silently
                    checks.push(format!("{}.dtype.kind not in \"fc\"", p.name));
                }
                arrays.push(p.name.clone());
                if p.mutated {
                    // the kernel works on a copy: a fallback after a partial update (an int that
                    // left int64) must see the caller's array as it was
                    copies.push(format!("{} = {}.copy()", p.fast_name(), p.name));
                }
            }
        }
    }
    let call_orig = call_original(params, py_name);
    if !checks.is_empty() {
        lines.push(format!("if {}:", checks.join(" or ")));
        lines.push(format!("    {call_orig}"));
    }
    let mut late = Vec::new();
    // f(x, x) into a function that writes one of them: the original sees its own writes
    // through the other name, separate kernel arrays would not
    let containers: Vec<&str> = params.iter().filter(|p| matches!(p.conv, Conv::List { .. } | Conv::Array { .. })).map(|p| p.name.as_str()).collect();
    if containers.len() > 1 && params.iter().any(|p| p.mutated) {
        late.push(format!("_aiaccel_shared({})", containers.join(", ")));
    }
    if !arrays.is_empty() {
        let sizes: Vec<String> = arrays.iter().map(|a| format!("{a}.size")).collect();
        let n = if sizes.len() == 1 { sizes[0].clone() } else { format!("max({})", sizes.join(", ")) };
        let values: Vec<String> = arrays.iter().chain(int_values).cloned().collect();
        late.push(format!("not _aiaccel_int_ok({n}, {int_degree}, {})", values.join(", ")));
    }
    late.extend(extra_checks.iter().cloned());
    if !late.is_empty() {
        lines.push(format!("if {}:", late.join(" or ")));
        lines.push(format!("    {call_orig}"));
    }
    lines.extend(copies);
    (lines, arrays)
}

/// `line` with the tabs of its indentation expanded to spaces (tab stops every 8 columns, as
/// Python counts them). Generated code indents with spaces, and spaces before a tab are a
/// TabError, so an original body indented with tabs is re-indented this way before it is nested.
pub fn expand_indent_tabs(line: &str) -> String {
    let rest = line.trim_start_matches([' ', '\t']);
    let ws = &line[..line.len() - rest.len()];
    if !ws.contains('\t') {
        return line.to_string();
    }
    let col = ws.chars().fold(0, |col, c| if c == '\t' { col / 8 * 8 + 8 } else { col + 1 });
    format!("{}{rest}", " ".repeat(col))
}

/// The original function, renamed, decorators dropped: the exact-behaviour fallback.
pub fn original_renamed(f: &Function, def: &ast::StmtFunctionDef, module_src: &str, new_name: &str) -> String {
    let def_start = pyast::range(def).start;
    // text from `def` (after decorators) to the end of the function's lines
    let text = &module_src[pyast::line_start(module_src, def_start)..f.range.end];
    let text = crate::edit::dedent(text);
    // the name is the first thing after the `def` that starts the text, whatever separates them
    // (`def  σ(`, `def\tf(`, `def \\\n f(`)
    let after_def = text.find("def").map_or(0, |i| i + 3);
    let Some(name_at) = text[after_def..].find(f.name.as_str()).map(|i| after_def + i) else { return text };
    format!("{}{}{}", &text[..name_at], new_name, &text[name_at + f.name.len()..])
}

/// The original's `def` line(s) up to and including the colon, with its docstring, dedented.
pub fn signature_and_doc(def: &ast::StmtFunctionDef, module_src: &str) -> (String, Option<String>) {
    let def_start = pyast::line_start(module_src, pyast::range(def).start);
    let body_start = pyast::range(&def.body[0]).start;
    let header = &module_src[def_start..body_start];
    // header ends with ":\n    " : keep through the colon
    let colon = header.trim_end().len();
    let header = crate::edit::dedent(&header[..colon]).trim_end().to_string();
    let doc = match &def.body[0] {
        Stmt::Expr(e) if matches!(e.value.as_ref(), Expr::Constant(c) if matches!(c.value, ast::Constant::Str(_))) => {
            Some(pyast::text(module_src, e.value.as_ref()).to_string())
        }
        _ => None,
    };
    (header, doc)
}

#[cfg(test)]
mod numbers_returned_as_is_tests {
    use super::*;

    fn as_is(src: &str) -> Vec<String> {
        let f = crate::discover::function_at("m.py", src, "f").unwrap();
        let suite = pyast::parse_module(src, "m.py").unwrap();
        let Some(Stmt::FunctionDef(def)) = suite.first() else { panic!() };
        let params = plan_params(&f, def).unwrap();
        numbers_returned_as_is(&f, def, &params)
    }

    #[test]
    fn a_number_that_may_come_back_as_it_went_in_is_found() {
        // returned through max, through an empty loop, stored into a written list
        assert_eq!(as_is("def f(xs, lo):\n    b = lo\n    for i in range(len(xs)):\n        b = max(b, xs[i])\n    return b\n"), ["lo"]);
        assert_eq!(as_is("def f(xs, s0):\n    t = s0\n    for i in range(1, len(xs)):\n        t += xs[i] * xs[i - 1]\n    return t\n"), ["s0"]);
        assert_eq!(as_is("def f(xs, out, lo):\n    for i in range(len(xs)):\n        out[i] = lo if xs[i] < 0.0 else xs[i]\n"), ["lo"]);
        assert_eq!(as_is("def f(xs, lo):\n    b = lo\n    for i in range(len(xs)):\n        if xs[i] > b:\n            b = xs[i]\n    return b, len(xs)\n"), ["lo"]);
    }

    #[test]
    fn a_number_that_meets_a_float_first_is_not() {
        // scaled into floats, divided, compared, scaling a float list in place
        assert!(as_is("def f(xs, k):\n    s = 0.0\n    for i in range(len(xs)):\n        s += k * xs[i]\n    return s\n").is_empty());
        assert!(as_is("def f(xs, k):\n    s = 0.0\n    for i in range(len(xs)):\n        s += xs[i] / k\n    return s\n").is_empty());
        assert!(as_is("def f(xs, t):\n    c = 0\n    for i in range(len(xs)):\n        if xs[i] > t:\n            c += 1\n    return c\n").is_empty());
        assert!(as_is("def f(beta, C: list[list[float]]):\n    for i in range(len(C)):\n        for j in range(len(C[i])):\n            C[i][j] *= beta\n").is_empty());
    }
}

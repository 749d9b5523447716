//! Int safety by construction for compiled kernels: every `+ - * ** <<`, unary minus, `abs()`,
//! `int()`, `round()`, `math.floor/ceil/trunc` and `sum()` in a Numba kernel becomes a call of a checked
//! helper (`checked.py`). On int operands the helper uses LLVM's overflow-checked arithmetic and
//! raises `_AiaccelIntOverflow` when the result leaves int64; the adapter catches it and runs the
//! original, so the caller gets Python's exact big int. On floats the helper is the plain
//! operator (Numba inlines it), so float code compiles exactly as before.
//!
//! Python counterexample this exists for (a partition-count table grows past int64 at m ~ 405):
//! ```python
//! def partitions(m):
//!     p = [1] + [0] * m
//!     for k in range(1, m + 1):
//!         for i in range(k, m + 1):
//!             p[i] += p[i - k]      # int64 wraps silently; Python's int grows
//!     return p[m]
//! ```
//!
//! `//`, `%` and `>>` of values that may be large go through helpers too, for int64's edges
//! where LLVM differs from Python (`-2**63 // -1` leaves int64, `-2**63 % -1` traps, `x >> 64`
//! is 0 or -1, a negative count raises).
//!
//! Index arithmetic on values that cannot come near 2**63 (`i + 1`, `n - k` with `i` a
//! `range` loop variable over small bounds, `len(x)`, `x.shape[0]`, guarded scalar parameters)
//! stays plain, so loop-index code is not slowed. Nothing here decides equivalence: the
//! verifier still compares every result.

use crate::edit::{apply_edits, Edit};
use crate::pyast::{self, ast, Expr, Stmt};
use std::collections::{BTreeMap, BTreeSet};

/// What the transform needs to know beyond the kernel's text.
#[derive(Debug, Default, Clone)]
pub struct CheckOptions {
    /// Parameters the adapter has already bounded below 2**53 (`_aiaccel_scalar_ok`).
    pub small_params: BTreeSet<String>,
    /// Scalar `+=` reductions left as they are (Numba's prange recognises only that form);
    /// the caller has shown they are float.
    pub keep_reductions: BTreeSet<String>,
    /// Parallel kernels: the name of an int64 flag array the helpers set instead of raising
    /// (an exception inside a prange loop is lost: the loop carries on with the wrapped value).
    pub flag: Option<String>,
}

/// Rewrite the arithmetic of every function defined in `src` (a kernel module fragment) into
/// checked calls. Returns the new text, and whether anything changed.
pub fn checked(src: &str, opts: &CheckOptions) -> Result<(String, bool), String> {
    let module = pyast::parse_module(src, "kernel.py")?;
    let mut edits: Vec<Edit> = Vec::new();
    for s in &module {
        if let Stmt::FunctionDef(def) = s {
            let small = small_names(&def.body, opts);
            let ck = Ck { src, small, flag: opts.flag.as_deref() };
            pyast::walk_stmts(&def.body, &mut |st| ck.stmt(st, opts, &mut edits));
        }
    }
    if edits.is_empty() {
        return Ok((src.to_string(), false));
    }
    let out = apply_edits(src, 0, &edits).map_err(|e| format!("checked arithmetic: {e}"))?;
    if let Some(at) = out.find("_aiaccel_unchecked_") {
        let op: String = out[at + "_aiaccel_unchecked_".len()..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        return Err(format!("`{op}` in a parallel kernel has no overflow check that survives prange"));
    }
    // the result must still be Python
    pyast::parse_module(&out, "kernel.py").map_err(|e| format!("checked arithmetic does not parse: {e}"))?;
    Ok((out, true))
}

fn op_name(op: &ast::Operator) -> Option<&'static str> {
    Some(match op {
        ast::Operator::Add => "add",
        ast::Operator::Sub => "sub",
        ast::Operator::Mult => "mul",
        ast::Operator::Pow => "pow",
        ast::Operator::LShift => "lshift",
        ast::Operator::RShift => "rshift",
        ast::Operator::FloorDiv => "floordiv",
        ast::Operator::Mod => "mod",
        _ => return None,
    })
}

fn call_name(c: &ast::ExprCall) -> Option<&'static str> {
    // `pow(a, b)` is `a ** b`
    if c.args.len() == 2 && c.keywords.is_empty() && pyast::dotted(&c.func).as_deref() == Some("pow") && !c.args.iter().any(|a| matches!(a, Expr::Starred(_))) {
        return Some("pow");
    }
    if c.args.len() != 1 || !c.keywords.is_empty() || matches!(c.args[0], Expr::Starred(_)) {
        return None;
    }
    Some(match pyast::dotted(&c.func)?.as_str() {
        "int" => "int",
        "round" => "round",
        "math.floor" => "floor",
        "math.ceil" => "ceil",
        "math.trunc" => "trunc",
        "sum" => "sum",
        "abs" => "abs",
        _ => return None,
    })
}

/// Names that hold values far from 2**63: parameters the adapter bounded, and variables bound
/// only by `for v in range(...)` over such values or assigned only such values.
fn small_names(body: &[Stmt], opts: &CheckOptions) -> BTreeSet<String> {
    // every binding of each name: Some(range args) for a `for v in range(..)` target, Some(value)
    // for `v = value`, None for anything else
    let mut binds: BTreeMap<String, Vec<Option<Vec<&Expr>>>> = BTreeMap::new();
    pyast::walk_stmts(body, &mut |s| {
        // the names a target binds (`a[i] = ...` binds none: `i` is only read)
        fn bound<'e>(t: &'e Expr, out: &mut Vec<&'e str>) {
            match t {
                Expr::Name(n) => out.push(n.id.as_str()),
                Expr::Tuple(x) => x.elts.iter().for_each(|e| bound(e, out)),
                Expr::List(x) => x.elts.iter().for_each(|e| bound(e, out)),
                Expr::Starred(x) => bound(&x.value, out),
                _ => {}
            }
        }
        let mut other = |t: &Expr| {
            let mut names = Vec::new();
            bound(t, &mut names);
            for n in names {
                binds.entry(n.to_string()).or_default().push(None);
            }
        };
        match s {
            Stmt::For(f) => match (f.target.as_ref(), f.iter.as_ref()) {
                (Expr::Name(n), Expr::Call(c)) if pyast::dotted(&c.func).as_deref() == Some("range") && c.keywords.is_empty() => {
                    binds.entry(n.id.to_string()).or_default().push(Some(c.args.iter().collect()));
                }
                (t, _) => other(t),
            },
            // `n = len(xs) - 1`: as small as its value
            Stmt::Assign(a) if a.targets.len() == 1 && matches!(a.targets[0], Expr::Name(_)) => {
                if let Some(n) = pyast::name_of(&a.targets[0]) {
                    binds.entry(n.to_string()).or_default().push(Some(vec![a.value.as_ref()]));
                }
            }
            // `n, d = points.shape`: dimensions are as small as lengths
            Stmt::Assign(a) if a.targets.len() == 1 && matches!(&*a.value, Expr::Attribute(at) if at.attr.as_str() == "shape") => {
                let mut names = Vec::new();
                bound(&a.targets[0], &mut names);
                for n in names {
                    binds.entry(n.to_string()).or_default().push(Some(vec![a.value.as_ref()]));
                }
            }
            Stmt::Assign(a) => a.targets.iter().for_each(&mut other),
            Stmt::AugAssign(a) => other(&a.target),
            Stmt::AnnAssign(a) => other(&a.target),
            _ => {}
        }
    });
    // walrus targets and comprehension variables
    pyast::walk_body_exprs(body, &mut |e| match e {
        Expr::NamedExpr(n) => {
            if let Some(t) = pyast::name_of(&n.target) {
                binds.entry(t.to_string()).or_default().push(None);
            }
        }
        Expr::ListComp(_) | Expr::GeneratorExp(_) | Expr::SetComp(_) | Expr::DictComp(_) => {
            let gens = match e {
                Expr::ListComp(x) => &x.generators,
                Expr::GeneratorExp(x) => &x.generators,
                Expr::SetComp(x) => &x.generators,
                Expr::DictComp(x) => &x.generators,
                _ => unreachable!(),
            };
            for g in gens {
                pyast::walk_expr(&g.target, &mut |x| {
                    if let Expr::Name(n) = x {
                        binds.entry(n.id.to_string()).or_default().push(None);
                    }
                });
            }
        }
        _ => {}
    });
    let mut small: BTreeSet<String> = opts.small_params.iter().filter(|p| !binds.contains_key(*p)).cloned().collect();
    for _ in 0..6 {
        let ck = Ck { src: "", small: small.clone(), flag: None };
        let mut grew = false;
        for (name, bs) in &binds {
            if small.contains(name) {
                continue;
            }
            let all_small = bs.iter().all(|b| match b {
                Some(args) => !args.is_empty() && args.len() <= 3 && args.iter().all(|a| ck.small(a, 0)),
                None => false,
            });
            if all_small {
                small.insert(name.clone());
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    small
}

struct Ck<'a> {
    src: &'a str,
    small: BTreeSet<String>,
    flag: Option<&'a str>,
}

/// The helpers that have a flag-setting twin (`_aiaccel_add_f(a, b, flag)`).
const FLAG_HELPERS: &[&str] = &["add", "sub", "mul", "pow", "neg", "int", "sum", "abs", "floordiv", "mod", "rshift"];

impl Ck<'_> {
    /// A value whose magnitude stays far below 2**62: small int literals, bounded names,
    /// lengths and shapes, and sums of a few of those.
    fn small(&self, e: &Expr, depth: usize) -> bool {
        match e {
            Expr::Constant(c) => match &c.value {
                ast::Constant::Int(v) => v.to_string().parse::<i64>().map(|v| v.abs() <= 1 << 20).unwrap_or(false),
                ast::Constant::Bool(_) => true,
                _ => false,
            },
            Expr::Name(n) => self.small.contains(n.id.as_str()),
            Expr::Call(c) => pyast::dotted(&c.func).as_deref() == Some("len") && c.args.len() == 1,
            // `.shape` only as what a tuple of dimensions is unpacked from
            Expr::Attribute(a) => matches!(a.attr.as_str(), "size" | "ndim" | "shape"),
            Expr::Subscript(s) => matches!(s.value.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "shape"),
            Expr::UnaryOp(u) => matches!(u.op, ast::UnaryOp::USub | ast::UnaryOp::UAdd) && self.small(&u.operand, depth + 1),
            Expr::BinOp(b) => depth < 4 && matches!(b.op, ast::Operator::Add | ast::Operator::Sub) && self.small(&b.left, depth + 1) && self.small(&b.right, depth + 1),
            _ => false,
        }
    }

    fn rewritable(&self, e: &Expr) -> bool {
        match e {
            // `//`, `%` and `>>` of a small value cannot reach int64's edges (`i // 2`)
            Expr::BinOp(b) if matches!(b.op, ast::Operator::FloorDiv | ast::Operator::Mod | ast::Operator::RShift) => !self.small(&b.left, 0),
            Expr::BinOp(b) => op_name(&b.op).is_some() && !self.small(e, 0),
            Expr::UnaryOp(u) => matches!(u.op, ast::UnaryOp::USub) && !matches!(u.operand.as_ref(), Expr::Constant(_)) && !self.small(e, 0),
            Expr::Call(c) => call_name(c).is_some(),
            _ => false,
        }
    }

    fn render(&self, e: &Expr) -> String {
        match e {
            Expr::BinOp(b) if self.rewritable(e) => self.helper(op_name(&b.op).unwrap_or("add"), &[self.render(&b.left), self.render(&b.right)]),
            Expr::UnaryOp(u) if self.rewritable(e) => self.helper("neg", &[self.render(&u.operand)]),
            Expr::Call(c) if self.rewritable(e) => {
                let args: Vec<String> = c.args.iter().map(|a| self.render(a)).collect();
                self.helper(call_name(c).unwrap_or("int"), &args)
            }
            _ => self.inner(e),
        }
    }

    /// `_aiaccel_add(a, b)`, or in a parallel kernel `_aiaccel_add_f(a, b, flag)`. A helper
    /// without a flag twin renders as `_aiaccel_unchecked_<op>`, which [`checked`] refuses.
    fn helper(&self, op: &str, args: &[String]) -> String {
        match self.flag {
            None => format!("_aiaccel_{op}({})", args.join(", ")),
            Some(flag) if FLAG_HELPERS.contains(&op) => format!("_aiaccel_{op}_f({}, {flag})", args.join(", ")),
            Some(_) => format!("_aiaccel_unchecked_{op}({})", args.join(", ")),
        }
    }

    /// The text of `e` with its rewritable sub-expressions rendered.
    fn inner(&self, e: &Expr) -> String {
        let r = pyast::range(e);
        let mut edits = Vec::new();
        for c in pyast::expr_children(e) {
            self.collect(c, &mut edits);
        }
        let text = self.src[r.clone()].to_string();
        edits.retain(|x: &Edit| x.range.start >= r.start && x.range.end <= r.end);
        apply_edits(&text, r.start, &edits).unwrap_or(text)
    }

    fn collect(&self, e: &Expr, out: &mut Vec<Edit>) {
        if self.rewritable(e) {
            out.push(Edit::new(pyast::range(e), self.render(e)));
        } else {
            for c in pyast::expr_children(e) {
                self.collect(c, out);
            }
        }
    }

    fn stmt(&self, s: &Stmt, opts: &CheckOptions, out: &mut Vec<Edit>) {
        match s {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) | Stmt::AsyncFunctionDef(_) => {}
            Stmt::AugAssign(a) => {
                let keep = pyast::name_of(&a.target).is_some_and(|n| opts.keep_reductions.contains(n));
                match op_name(&a.op) {
                    // `i += 1` on small values stays plain, like `i + 1`
                    Some(op) if !(keep || self.small(&a.target, 0) && self.small(&a.value, 0) && matches!(a.op, ast::Operator::Add | ast::Operator::Sub)) => {
                        // `t[i] += v` -> `t[i] = _aiaccel_add(t[i], v)`: the index is evaluated
                        // twice, which is the same for the side-effect-free indices of kernels
                        let t = self.render(&a.target);
                        out.push(Edit::new(pyast::range(s), format!("{t} = {}", self.helper(op, &[t.clone(), self.render(&a.value)]))));
                    }
                    _ => {
                        self.collect(&a.target, out);
                        self.collect(&a.value, out);
                    }
                }
            }
            _ => {
                for e in pyast::stmt_exprs(s) {
                    self.collect(e, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ck(src: &str, small: &[&str]) -> String {
        let opts = CheckOptions { small_params: small.iter().map(|s| s.to_string()).collect(), ..Default::default() };
        checked(src, &opts).unwrap().0
    }

    #[test]
    fn products_sums_and_augmented_stores_become_checked_calls() {
        let src = "def k(dims, m, n):\n    for a in range(1, n):\n        q = m[a - 1] + dims[a - 1] * dims[a] * dims[a + 1]\n        m[a] += q\n    return -q\n";
        let out = ck(src, &["n"]);
        assert_eq!(
            out,
            "def k(dims, m, n):\n    for a in range(1, n):\n        q = _aiaccel_add(m[a - 1], _aiaccel_mul(_aiaccel_mul(dims[a - 1], dims[a]), dims[a + 1]))\n        m[a] = _aiaccel_add(m[a], q)\n    return _aiaccel_neg(q)\n"
        );
    }

    #[test]
    fn index_arithmetic_on_bounded_values_stays_plain() {
        let src = "def k(xs, n):\n    t = 0\n    for i in range(n - 1):\n        for j in range(i + 1, len(xs)):\n            t += xs[j - i] * 2\n    return t\n";
        let out = ck(src, &["n"]);
        assert!(out.contains("range(n - 1)") && out.contains("range(i + 1, len(xs))") && out.contains("xs[j - i]"), "{out}");
        assert!(out.contains("t = _aiaccel_add(t, _aiaccel_mul(xs[j - i], 2))"), "{out}");
        // an unbounded parameter or a reassigned loop variable is not small
        let out = ck("def k(n):\n    for i in range(n):\n        i = i * i\n        x = i + 1\n    return n + 1\n", &[]);
        assert!(out.contains("_aiaccel_mul(i, i)") && out.contains("_aiaccel_add(i, 1)") && out.contains("_aiaccel_add(n, 1)"), "{out}");
    }

    #[test]
    fn conversions_and_sums_are_checked_and_reductions_can_be_kept() {
        let out = ck("def k(xs):\n    s = 0.0\n    for x in xs:\n        s += x\n    return int(s) + sum(xs) + round(x) + math.floor(s)\n", &[]);
        assert!(out.contains("_aiaccel_int(s)") && out.contains("_aiaccel_sum(xs)") && out.contains("_aiaccel_round(x)") && out.contains("_aiaccel_floor(s)"), "{out}");
        let opts = CheckOptions { keep_reductions: ["s".to_string()].into(), ..Default::default() };
        let (out, _) = checked("def k(xs):\n    s = 0.0\n    for i in range(len(xs)):\n        s += xs[i] * xs[i]\n    return s\n", &opts).unwrap();
        assert!(out.contains("s += _aiaccel_mul(xs[i], xs[i])"), "{out}");
    }

    #[test]
    fn parallel_kernels_set_a_flag_instead_of_raising() {
        let opts = CheckOptions { flag: Some("_aiaccel_flag".into()), ..Default::default() };
        let (out, _) = checked("def k(xs, out, _aiaccel_flag):\n    for i in range(len(xs)):\n        out[i] = xs[i] * xs[i] + int(xs[i])\n", &opts).unwrap();
        assert!(out.contains("out[i] = _aiaccel_add_f(_aiaccel_mul_f(xs[i], xs[i], _aiaccel_flag), _aiaccel_int_f(xs[i], _aiaccel_flag), _aiaccel_flag)"), "{out}");
        let err = checked("def k(xs, _aiaccel_flag):\n    return xs[0] << 3\n", &opts).unwrap_err();
        assert!(err.contains("lshift"), "{err}");
    }

    #[test]
    fn nothing_to_check_leaves_the_text_alone() {
        let src = "def k(xs):\n    for i in range(len(xs)):\n        xs[i] = xs[i] / 2.0\n";
        let (out, changed) = checked(src, &CheckOptions::default()).unwrap();
        assert_eq!(out, src);
        assert!(!changed);
    }
}

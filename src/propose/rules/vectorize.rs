//! AX010 numpy-reduction and AX011 numpy-elementwise: loops whose body is an element-wise
//! expression, rewritten as one NumPy expression over whole arrays, behind the adapter's guards
//! and under `np.errstate(... 'raise')` so that any floating-point event Python would have
//! raised on (0-division, overflow, math domain) falls back to the original.
//!
//! Python counterexample the errstate guard protects:
//! ```python
//! [math.sqrt(x) for x in xs]   # ValueError for x < 0; np.sqrt gives nan -> fallback instead
//! ```

use super::adapter::{self, Conv, ParamPlan};
use crate::discover::{Function, FunctionKind};
use crate::edit::{apply_edits, Edit};
use crate::pyast::{self, ast, Expr, Stmt};
use std::collections::BTreeSet;

/// The loop being vectorized: how elements are named, and its length.
struct LoopCtx<'a> {
    /// `for v in X`: v -> X.
    value_vars: Vec<(String, String)>,
    /// `for i in range(len(X))` / `range(n)`: i.
    index_var: Option<String>,
    /// Python expression for the number of iterations, in terms of the fast-path names.
    length: String,
    /// Extra guard conditions (fall back when true).
    guards: Vec<String>,
    params: &'a [ParamPlan],
    /// Arrays referenced, by parameter name.
    used: BTreeSet<String>,
    uses_minmax: bool,
    /// The highest polynomial degree of the element expressions, for the int guard.
    degree: u32,
    /// Int literals and scalar parameters of the element expressions (their magnitude bounds
    /// the products as much as the elements' does).
    int_consts: BTreeSet<String>,
}

impl<'a> LoopCtx<'a> {
    /// Record the int degree of an element expression that is being vectorized: NumPy's int
    /// arithmetic wraps silently, so the guard bounds |value|**degree * n below 2**62, with the
    /// largest of the arrays, the int scalars and the int literals as |value|.
    ///
    /// ```python
    /// for i in range(len(d)):
    ///     t += d[i] * d[i] * d[i]   # degree 3: near 2**21 the product already leaves int64
    /// ```
    fn note(&mut self, e: &Expr) {
        self.degree = self.degree.max(int_degree(e, &mut self.int_consts));
        let params = self.params;
        pyast::walk_expr(e, &mut |x| {
            if let Some(n) = pyast::name_of(x) {
                if params.iter().any(|p| p.name == n && matches!(p.conv, Conv::Scalar | Conv::Pass)) {
                    self.int_consts.insert(n.to_string());
                }
            }
        });
    }

    fn list_param(&self, name: &str) -> Option<&ParamPlan> {
        self.params.iter().find(|p| p.name == name && matches!(p.conv, Conv::List { ndim: 1, .. }))
    }

    /// Build from a loop header; None if it is not one of the supported forms.
    fn new(target: &Expr, iter: &Expr, params: &'a [ParamPlan]) -> Option<LoopCtx<'a>> {
        let mut cx = LoopCtx { value_vars: vec![], index_var: None, length: String::new(), guards: vec![], params, used: BTreeSet::new(), uses_minmax: false, degree: 1, int_consts: BTreeSet::new() };
        match (target, iter) {
            (Expr::Name(v), Expr::Name(x)) => {
                cx.list_param(x.id.as_str())?;
                cx.value_vars.push((v.id.to_string(), x.id.to_string()));
                cx.length = format!("_a_{}.size", x.id);
                cx.used.insert(x.id.to_string());
            }
            (Expr::Tuple(t), Expr::Call(c)) if pyast::dotted(&c.func).as_deref() == Some("zip") && t.elts.len() == c.args.len() && c.keywords.is_empty() => {
                let mut lens = vec![];
                for (v, x) in t.elts.iter().zip(&c.args) {
                    let (v, x) = (pyast::name_of(v)?, pyast::name_of(x)?);
                    cx.list_param(x)?;
                    cx.value_vars.push((v.to_string(), x.to_string()));
                    cx.used.insert(x.to_string());
                    lens.push(format!("_a_{x}.size"));
                }
                cx.length = format!("min({})", lens.join(", "));
            }
            (Expr::Name(i), Expr::Call(c)) if pyast::dotted(&c.func).as_deref() == Some("range") && c.args.len() == 1 => {
                cx.index_var = Some(i.id.to_string());
                match &c.args[0] {
                    Expr::Call(l) if pyast::dotted(&l.func).as_deref() == Some("len") && l.args.len() == 1 => {
                        let x = pyast::name_of(&l.args[0])?;
                        cx.list_param(x)?;
                        cx.length = format!("_a_{x}.size");
                        cx.used.insert(x.to_string());
                    }
                    Expr::Name(n) => {
                        let p = params.iter().find(|p| p.name == n.id.as_str() && matches!(p.conv, Conv::Scalar))?;
                        cx.length = p.name.clone();
                        cx.guards.push(format!("type({0}) is not int or {0} <= 0", p.name));
                    }
                    _ => return None,
                }
            }
            _ => return None,
        }
        Some(cx)
    }

    /// The NumPy form of an element expression, or None if it is not element-wise.
    fn vec(&mut self, e: &Expr, src: &str, loop_locals: &BTreeSet<String>) -> Option<String> {
        Some(match e {
            Expr::Name(n) => {
                let id = n.id.as_str();
                if let Some((_, x)) = self.value_vars.iter().find(|(v, _)| v == id) {
                    let x = x.clone();
                    self.used.insert(x.clone());
                    format!("_a_{x}[:_n]")
                } else if self.index_var.as_deref() == Some(id) || loop_locals.contains(id) {
                    return None; // the index itself, or a value carried between iterations
                } else if self.params.iter().any(|p| p.name == id && matches!(p.conv, Conv::List { .. } | Conv::Pass)) {
                    return None; // a whole list inside an element expression
                } else {
                    id.to_string()
                }
            }
            Expr::Constant(c) => match c.value {
                ast::Constant::Int(_) | ast::Constant::Float(_) => pyast::text(src, e).to_string(),
                _ => return None,
            },
            Expr::Subscript(s) => {
                let base = pyast::name_of(&s.value)?;
                let idx = pyast::name_of(&s.slice)?;
                if self.index_var.as_deref() != Some(idx) {
                    return None;
                }
                self.list_param(base)?;
                self.used.insert(base.to_string());
                format!("_a_{base}[:_n]")
            }
            Expr::BinOp(b) => {
                let op = match b.op {
                    ast::Operator::Add => "+",
                    ast::Operator::Sub => "-",
                    ast::Operator::Mult => "*",
                    ast::Operator::Div => "/",
                    ast::Operator::FloorDiv => "//",
                    ast::Operator::Mod => "%",
                    ast::Operator::Pow => {
                        // only small literal integer exponents: Python's int ** -k is a float
                        match b.right.as_ref() {
                            Expr::Constant(c) if matches!(&c.value, ast::Constant::Int(k) if k.to_string().parse::<u32>().map(|k| k <= 4).unwrap_or(false)) => "**",
                            _ => return None,
                        }
                    }
                    _ => return None,
                };
                let l = self.vec(&b.left, src, loop_locals)?;
                let r = self.vec(&b.right, src, loop_locals)?;
                format!("({l} {op} {r})")
            }
            Expr::UnaryOp(u) => match u.op {
                ast::UnaryOp::USub => format!("(-{})", self.vec(&u.operand, src, loop_locals)?),
                ast::UnaryOp::UAdd => self.vec(&u.operand, src, loop_locals)?,
                _ => return None,
            },
            Expr::Call(c) if c.keywords.is_empty() => {
                let name = pyast::dotted(&c.func)?;
                let np = match name.as_str() {
                    "math.sqrt" => "sqrt",
                    "math.exp" => "exp",
                    "math.log" if c.args.len() == 1 => "log",
                    "math.log10" => "log10",
                    "math.log2" => "log2",
                    "math.log1p" => "log1p",
                    "math.expm1" => "expm1",
                    "math.sin" => "sin",
                    "math.cos" => "cos",
                    "math.tan" => "tan",
                    "math.asin" => "arcsin",
                    "math.acos" => "arccos",
                    "math.atan" => "arctan",
                    "math.sinh" => "sinh",
                    "math.cosh" => "cosh",
                    "math.tanh" => "tanh",
                    "math.fabs" => "fabs",
                    "math.atan2" if c.args.len() == 2 => "arctan2",
                    "math.hypot" if c.args.len() == 2 => "hypot",
                    "abs" if c.args.len() == 1 => "abs",
                    "min" if c.args.len() == 2 => {
                        self.uses_minmax = true;
                        "minimum"
                    }
                    "max" if c.args.len() == 2 => {
                        self.uses_minmax = true;
                        "maximum"
                    }
                    _ => return None,
                };
                let args: Option<Vec<String>> = c.args.iter().map(|a| self.vec(a, src, loop_locals)).collect();
                let args = args?;
                let float_fn = name.starts_with("math.");
                let call = format!("_aiaccel_np.{np}({})", args.join(", "));
                if float_fn {
                    // math.* always returns float, also for int input
                    format!("{call}.astype(_aiaccel_np.float64)")
                } else {
                    call
                }
            }
            Expr::IfExp(x) => {
                let t = self.vec_cond(&x.test, src, loop_locals)?;
                let a = self.vec(&x.body, src, loop_locals)?;
                let b = self.vec(&x.orelse, src, loop_locals)?;
                self.uses_minmax = true; // comparisons with NaN: fall back when NaN is present
                format!("_aiaccel_np.where({t}, {a}, {b})")
            }
            _ => return None,
        })
    }

    fn vec_cond(&mut self, e: &Expr, src: &str, loop_locals: &BTreeSet<String>) -> Option<String> {
        match e {
            Expr::Compare(c) if c.ops.len() == 1 => {
                let op = match c.ops[0] {
                    ast::CmpOp::Lt => "<",
                    ast::CmpOp::LtE => "<=",
                    ast::CmpOp::Gt => ">",
                    ast::CmpOp::GtE => ">=",
                    ast::CmpOp::Eq => "==",
                    ast::CmpOp::NotEq => "!=",
                    _ => return None,
                };
                let l = self.vec(&c.left, src, loop_locals)?;
                let r = self.vec(&c.comparators[0], src, loop_locals)?;
                Some(format!("({l} {op} {r})"))
            }
            _ => None,
        }
    }
}

/// The degree of `e` as a polynomial in its inputs, counting every operand as an int (an
/// over-estimate where floats take part, which only makes the guard stricter). Int literals
/// other than 0 and ±1 count as inputs and are collected into `consts`.
fn int_degree(e: &Expr, consts: &mut BTreeSet<String>) -> u32 {
    let mut d = |x: &Expr| int_degree(x, consts);
    match e {
        Expr::Constant(c) => match &c.value {
            ast::Constant::Int(v) => {
                let t = v.to_string();
                if t == "0" || t == "1" || t == "-1" {
                    0
                } else {
                    consts.insert(t);
                    1
                }
            }
            _ => 0,
        },
        Expr::BinOp(b) => {
            let (l, r) = (d(&b.left), d(&b.right));
            match b.op {
                ast::Operator::Mult => l + r,
                ast::Operator::Pow => match b.right.as_ref() {
                    Expr::Constant(c) => match &c.value {
                        ast::Constant::Int(k) => l * k.to_string().parse::<u32>().unwrap_or(64),
                        _ => 64,
                    },
                    _ => 64,
                },
                _ => l.max(r),
            }
        }
        Expr::UnaryOp(u) => d(&u.operand),
        Expr::Name(_) | Expr::Subscript(_) => 1,
        Expr::Call(c) => c.args.iter().map(d).max().unwrap_or(0),
        _ => pyast::expr_children(e).into_iter().map(d).max().unwrap_or(0),
    }
}

/// Does the expression mention an array (so the NumPy form is an array, not a scalar)?
fn has_array(v: &str) -> bool {
    v.contains("_a_")
}

pub enum Kind {
    Reduction,
    Elementwise,
}

/// Build the AX010 / AX011 candidate, or say why not.
pub fn build(f: &Function, module_src: &str, def: &ast::StmtFunctionDef, kind: Kind) -> Result<String, String> {
    if matches!(f.kind, FunctionKind::Method | FunctionKind::ClassMethod) {
        return Err("methods need an instance".into());
    }
    let params = adapter::plan_params(f, def)?;
    if let Some(p) = params.iter().find(|p| matches!(p.conv, Conv::Array { .. })) {
        return Err(format!("parameter `{}` is an ndarray: these rules rewrite loops over lists", p.name));
    }
    if params.iter().any(|p| p.mutated) {
        return Err("stores into a parameter; vectorizing would change what the caller sees".into());
    }
    let mut rewrites: Vec<Edit> = Vec::new();
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut guards: Vec<String> = Vec::new();
    let mut lengths: Vec<String> = Vec::new();
    let mut minmax = false;
    let mut degree = 1u32;
    let mut int_consts: BTreeSet<String> = BTreeSet::new();
    let body = &def.body;
    match kind {
        Kind::Reduction => {
            for (idx, s) in body.iter().enumerate() {
                let Stmt::For(fl) = s else { continue };
                if !fl.orelse.is_empty() || loop_var_used_after(&body[idx + 1..], &fl.target) {
                    continue;
                }
                let Some(mut cx) = LoopCtx::new(&fl.target, &fl.iter, &params) else { continue };
                let accs: BTreeSet<String> = fl.body.iter().filter_map(acc_target).collect();
                let mut stmts = Vec::new();
                let mut all = true;
                for st in &fl.body {
                    match reduction_stmt(st, &mut cx, module_src, &accs) {
                        Some(t) => stmts.push(t),
                        None => {
                            all = false;
                            break;
                        }
                    }
                }
                if !all || stmts.is_empty() {
                    continue;
                }
                let indent = &module_src[pyast::line_start(module_src, pyast::range(s).start)..pyast::range(s).start];
                let mut text = format!("_n = {}\n", cx.length);
                for t in stmts {
                    text.push_str(&format!("{indent}{t}\n"));
                }
                let r = pyast::line_start(module_src, pyast::range(s).start) + indent.len()..pyast::line_end(module_src, pyast::range(s).end);
                rewrites.push(Edit::new(r, text.trim_end().to_string() + "\n"));
                used.extend(cx.used.iter().cloned());
                guards.extend(cx.guards.iter().cloned());
                degree = degree.max(cx.degree);
                int_consts.extend(cx.int_consts.iter().cloned());
                lengths.push(cx.length.clone());
                minmax |= cx.uses_minmax;
            }
        }
        Kind::Elementwise => {
            // `out = []` ... `for ...: out.append(E)`
            for (idx, s) in body.iter().enumerate() {
                let Stmt::For(fl) = s else { continue };
                if !fl.orelse.is_empty() || fl.body.len() != 1 || loop_var_used_after(&body[idx + 1..], &fl.target) {
                    continue;
                }
                let Some((out, elt)) = append_of(&fl.body[0]) else { continue };
                if !initialised_empty_before(&body[..idx], out) {
                    continue;
                }
                let Some(mut cx) = LoopCtx::new(&fl.target, &fl.iter, &params) else { continue };
                let Some(v) = cx.vec(elt, module_src, &BTreeSet::new()) else { continue };
                if !has_array(&v) {
                    continue;
                }
                cx.note(elt);
                let indent = &module_src[pyast::line_start(module_src, pyast::range(s).start)..pyast::range(s).start];
                let text = format!("_n = {}\n{indent}{out}.extend({}.tolist())\n", cx.length, v);
                let r = pyast::line_start(module_src, pyast::range(s).start) + indent.len()..pyast::line_end(module_src, pyast::range(s).end);
                rewrites.push(Edit::new(r, text));
                used.extend(cx.used.iter().cloned());
                guards.extend(cx.guards.iter().cloned());
                degree = degree.max(cx.degree);
                int_consts.extend(cx.int_consts.iter().cloned());
                lengths.push(cx.length.clone());
                minmax |= cx.uses_minmax;
            }
            // list comprehensions `[E for v in X]` anywhere in the body
            let mut comps: Vec<&ast::ExprListComp> = Vec::new();
            pyast::walk_body_exprs(body, &mut |e| {
                if let Expr::ListComp(lc) = e {
                    comps.push(lc);
                }
            });
            for lc in comps {
                if lc.generators.len() != 1 || !lc.generators[0].ifs.is_empty() {
                    continue;
                }
                let g = &lc.generators[0];
                let Some(mut cx) = LoopCtx::new(&g.target, &g.iter, &params) else { continue };
                let Some(v) = cx.vec(&lc.elt, module_src, &BTreeSet::new()) else { continue };
                if !has_array(&v) {
                    continue;
                }
                cx.note(&lc.elt);
                // `_n` is bound by an assignment expression so the comprehension can sit anywhere
                let text = format!("{}.tolist()", v.replacen("[:_n]", &format!("[:(_n := {})]", cx.length), 1));
                rewrites.push(Edit::new(pyast::range(lc), text));
                used.extend(cx.used.iter().cloned());
                guards.extend(cx.guards.iter().cloned());
                degree = degree.max(cx.degree);
                int_consts.extend(cx.int_consts.iter().cloned());
                lengths.push(cx.length.clone());
                minmax |= cx.uses_minmax;
            }
        }
    }
    if rewrites.is_empty() {
        return Err("no loop of the supported element-wise form".into());
    }
    // arrays shorter than the loop: Python raises IndexError, NumPy would broadcast or truncate
    for name in &used {
        for len in &lengths {
            if !len.contains(&format!("_a_{name}.")) {
                guards.push(format!("_a_{name}.size < {len}"));
            }
        }
    }
    if minmax {
        let arrays: Vec<String> = params.iter().filter(|p| matches!(p.conv, Conv::List { .. })).map(|p| p.fast_name()).collect();
        guards.push(format!("not _aiaccel_nonan({})", arrays.join(", ")));
    }
    guards.sort();
    guards.dedup();

    // the new body: original statements with the loops replaced, inside errstate
    let body_start = pyast::line_start(module_src, pyast::range(&body[0]).start);
    let doc_end = match &body[0] {
        Stmt::Expr(e) if matches!(e.value.as_ref(), Expr::Constant(c) if matches!(c.value, ast::Constant::Str(_))) => Some(pyast::line_end(module_src, pyast::range(&body[0]).end)),
        _ => None,
    };
    let start = doc_end.unwrap_or(body_start);
    if rewrites.iter().any(|r| r.range.start < start) {
        return Err("rewrite overlaps the docstring".into());
    }
    let text = apply_edits(&module_src[start..f.range.end], start, &rewrites)?;
    let new_body = crate::edit::dedent(&text);
    let pyname = format!("_{}_py", f.name);
    let (header, doc) = adapter::signature_and_doc(def, module_src);
    if degree > 16 {
        return Err(format!("int arithmetic of degree {degree}: no guard keeps it inside int64"));
    }
    // scalars and literals take part in the products as much as the elements do
    let values: Vec<String> = int_consts.into_iter().collect();
    let (guard, _) = adapter::guard_lines(&params, &pyname, degree as usize, &values, &guards);
    let call_orig = adapter::call_original(&params, &pyname);
    let mut out = String::new();
    out.push_str(&header);
    out.push('\n');
    if let Some(d) = doc {
        out.push_str(&format!("    {d}\n"));
    }
    for l in guard {
        out.push_str(&format!("    {l}\n"));
    }
    out.push_str("    try:\n        with _aiaccel_np.errstate(divide=\"raise\", over=\"raise\", invalid=\"raise\", under=\"ignore\"):\n");
    for l in new_body.lines() {
        if l.trim().is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("            {}\n", adapter::expand_indent_tabs(l)));
        }
    }
    out.push_str(&format!("    except FloatingPointError:\n        {call_orig}\n"));
    let original = adapter::original_renamed(f, def, module_src, &pyname);
    // (the renamed original last: the diff is one hunk at the `def` line, see kernel.rs)
    Ok(crate::runtime::with_imports(&format!("{out}\n\n{original}")))
}

/// `acc += E`, `acc = acc + E`, `acc = max(acc, E)` -> the target name.
fn acc_target(s: &Stmt) -> Option<String> {
    match s {
        Stmt::AugAssign(a) => pyast::name_of(&a.target).map(str::to_string),
        Stmt::Assign(a) if a.targets.len() == 1 => pyast::name_of(&a.targets[0]).map(str::to_string),
        _ => None,
    }
}

/// One accumulation statement in NumPy form.
fn reduction_stmt(s: &Stmt, cx: &mut LoopCtx<'_>, src: &str, accs: &BTreeSet<String>) -> Option<String> {
    match s {
        Stmt::AugAssign(a) if matches!(a.op, ast::Operator::Add | ast::Operator::Sub) => {
            let acc = pyast::name_of(&a.target)?;
            let op = if matches!(a.op, ast::Operator::Add) { "+=" } else { "-=" };
            cx.note(&a.value);
            Some(format!("{acc} {op} {}", sum_of(&a.value, cx, src, accs)?))
        }
        Stmt::Assign(a) if a.targets.len() == 1 => {
            let acc = pyast::name_of(&a.targets[0])?;
            match a.value.as_ref() {
                Expr::BinOp(b) if matches!(b.op, ast::Operator::Add) && pyast::name_of(&b.left) == Some(acc) => {
                    cx.note(&b.right);
                    Some(format!("{acc} = {acc} + {}", sum_of(&b.right, cx, src, accs)?))
                }
                Expr::Call(c) if c.args.len() == 2 && c.keywords.is_empty() && pyast::name_of(&c.args[0]) == Some(acc) => {
                    let f = pyast::dotted(&c.func)?;
                    if f != "max" && f != "min" {
                        return None;
                    }
                    let v = cx.vec(&c.args[1], src, accs)?;
                    if !has_array(&v) {
                        return None;
                    }
                    cx.note(&c.args[1]);
                    cx.uses_minmax = true;
                    Some(format!("{acc} = {f}({acc}, _aiaccel_np.{f}({v}).item())"))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// `np.sum(E)` (or `np.dot(A, B)` for `A[i] * B[i]`) as a Python scalar.
fn sum_of(e: &Expr, cx: &mut LoopCtx<'_>, src: &str, accs: &BTreeSet<String>) -> Option<String> {
    if let Expr::BinOp(b) = e {
        if matches!(b.op, ast::Operator::Mult) {
            let l = cx.vec(&b.left, src, accs)?;
            let r = cx.vec(&b.right, src, accs)?;
            let plain = |s: &str| s.starts_with("_a_") && s.ends_with("[:_n]") && !s.contains(' ');
            if plain(&l) && plain(&r) {
                return Some(format!("_aiaccel_np.dot({l}, {r}).item()"));
            }
            if has_array(&l) || has_array(&r) {
                return Some(format!("_aiaccel_np.sum({l} * {r}).item()"));
            }
            return None;
        }
    }
    let v = cx.vec(e, src, accs)?;
    if !has_array(&v) {
        return None;
    }
    Some(format!("_aiaccel_np.sum({v}).item()"))
}

fn append_of(s: &Stmt) -> Option<(&str, &Expr)> {
    let Stmt::Expr(e) = s else { return None };
    let Expr::Call(c) = e.value.as_ref() else { return None };
    let Expr::Attribute(a) = c.func.as_ref() else { return None };
    if a.attr.as_str() != "append" || c.args.len() != 1 || !c.keywords.is_empty() {
        return None;
    }
    Some((pyast::name_of(&a.value)?, &c.args[0]))
}

/// `out = []` appears among the statements before, and nothing else touches `out` after it.
fn initialised_empty_before(before: &[Stmt], out: &str) -> bool {
    let mut seen = false;
    for s in before {
        if let Stmt::Assign(a) = s {
            if a.targets.len() == 1 && pyast::name_of(&a.targets[0]) == Some(out) {
                seen = matches!(a.value.as_ref(), Expr::List(l) if l.elts.is_empty());
                continue;
            }
        }
        if seen {
            let mut touched = false;
            for e in pyast::stmt_exprs(s) {
                pyast::walk_expr(e, &mut |x| {
                    if pyast::name_of(x) == Some(out) {
                        touched = true
                    }
                });
            }
            if touched || !pyast::stmt_blocks(s).is_empty() {
                return false;
            }
        }
    }
    seen
}

/// Python leaves the loop variable bound after the loop; NumPy code does not bind it.
fn loop_var_used_after(rest: &[Stmt], target: &Expr) -> bool {
    let mut names = BTreeSet::new();
    pyast::walk_expr(target, &mut |x| {
        if let Some(n) = pyast::name_of(x) {
            names.insert(n.to_string());
        }
    });
    let mut used = false;
    pyast::walk_body_exprs(rest, &mut |e| {
        if let Some(n) = pyast::name_of(e) {
            if names.contains(n) {
                used = true;
            }
        }
    });
    used
}

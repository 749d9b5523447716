//! AX012 numpy-linalg: loop nests over ndarrays that are matrix products, matrix-vector
//! products, outer products, axis sums and element-wise updates of whole arrays, rewritten as
//! whole-array NumPy (`@`, `np.einsum`, slices), each nest behind a guard that runs the loops
//! unchanged unless the arrays are plain float64 ndarrays, the bounds fit their axes and no
//! written array shares memory with another.
//!
//! A nest is split into its statements (loop distribution). That is legal here because every
//! array the nest writes is read and written at one index only (`C[i, j]`, never `C[i - 1, j]`
//! or `C[k, j]`): each element sees the same operations in the same order, except that a
//! contraction (`C[i, j] += A[i, k] * B[k, j]` over `k`) sums in another order.
//!
//! ```python
//! for i in range(n):
//!     for j in range(m):
//!         C[i, j] *= beta                 # C[:n, :m] *= beta
//!         for k in range(p):
//!             C[i, j] += alpha * A[i, k] * B[k, j]   # C[:n, :m] += alpha * (A[:n, :p] @ B[:p, :m])
//! ```
//! Refused: a written array read at another index (a recurrence: `A[i] = A[i - 1] + x[i]`),
//! triangular bounds (`range(i)`), a loop variable used as a value or after the nest, calls.

use crate::discover::Function;
use crate::edit::{apply_edits, Edit};
use crate::pyast::{self, ast, Expr, Stmt};
use std::collections::{BTreeMap, BTreeSet};

/// Where the contractions run: AX012 on the CPU (NumPy, BLAS); AX020 on a GPU through CuPy
/// when one is there and the work is large enough, on the CPU otherwise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Device {
    Cpu,
    /// With the least work (multiply-adds) that goes to the GPU.
    Gpu { min_work: u64 },
}

/// The least work (multiply-adds) AX020 sends to a GPU, until `scripts/gpu_check.sh` has
/// measured the break-even on a machine (`AIACCEL_GPU_MIN_WORK` there): 2**24, a 256^3
/// product. At that size the copies (3 x 256^2 float64, 1.5 MB) take ~0.1 ms over PCIe and a
/// 2-core CPU's BLAS ~1 ms; a many-core host's BLAS is ~10x faster, near the break-even.
pub const GPU_MIN_WORK: u64 = 1 << 24;

/// Build the AX012 candidate, or say why not.
pub fn build(f: &Function, module_src: &str, def: &ast::StmtFunctionDef) -> Result<String, String> {
    build_on(f, module_src, def, Device::Cpu)
}

/// Build the AX012 (CPU) or AX020 (GPU) candidate.
pub fn build_on(f: &Function, module_src: &str, def: &ast::StmtFunctionDef, device: Device) -> Result<String, String> {
    if !f.numpy_module && !f.params.iter().any(|p| matches!(p.shape, crate::discover::ParamShape::Array1 | crate::discover::ParamShape::Array2 | crate::discover::ParamShape::Array3)) {
        return Err("no NumPy arrays: the module does not import NumPy".into());
    }
    if f.source.lines().any(|l| l[..l.len() - l.trim_start().len()].contains('\t')) {
        return Err("the function is indented with tabs: its rewritten nests would mix tabs and spaces".into());
    }
    let mut edits = Vec::new();
    let mut why = Vec::new();
    rewrite_block(&def.body, def, module_src, device, &mut edits, &mut why);
    if edits.is_empty() {
        let first = why.into_iter().next().unwrap_or_else(|| "no loop nest".into());
        return Err(format!("no loop nest of whole-array form: {first}"));
    }
    let start = f.range.start;
    let text = apply_edits(&module_src[start..f.range.end], start, &edits)?;
    let text = crate::edit::dedent(&text);
    Ok(crate::runtime::with_imports(&text))
}

/// Try each loop of a block as a nest; where one is refused, the loops inside it.
fn rewrite_block(stmts: &[Stmt], def: &ast::StmtFunctionDef, src: &str, device: Device, edits: &mut Vec<Edit>, why: &mut Vec<String>) {
    for s in stmts {
        match s {
            Stmt::For(_) => match vectorize_nest(s, def, src, device) {
                Ok(e) => edits.push(e),
                Err(w) => {
                    why.push(w);
                    if let Stmt::For(fl) = s {
                        rewrite_block(&fl.body, def, src, device, edits, why);
                    }
                }
            },
            // (a nest this rule already rewrote: its loops stay the fallback)
            Stmt::If(x) if names_in(&x.test).iter().any(|n| n == "_aiaccel_go" || n == "_aiaccel_vec_ok") => {}
            Stmt::If(x) => {
                rewrite_block(&x.body, def, src, device, edits, why);
                rewrite_block(&x.orelse, def, src, device, edits, why);
            }
            Stmt::While(x) => rewrite_block(&x.body, def, src, device, edits, why),
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Set,
    Add,
    Sub,
    Mul,
    Div,
}

/// An index of an array access: a loop variable plus a constant offset.
type Index = Vec<(String, i64)>;

/// One statement of the nest, at the loops that enclose it.
struct VStmt<'a> {
    target: String,
    idx: Index,
    op: Op,
    loops: Vec<String>,
    expr: &'a Expr,
    /// `s = init; for k ...: s += term; T[idx] = expr(s)`: the temporaries and their sums.
    temps: Vec<Temp<'a>>,
}

struct Temp<'a> {
    name: String,
    init: &'a Expr,
    /// (negated, term, the loops the sum runs over)
    terms: Vec<(bool, &'a Expr, Vec<String>)>,
}

#[derive(Default)]
struct Nest {
    /// loop variable -> (lo, hi) bound texts
    loops: BTreeMap<String, (String, String)>,
    bounds: Vec<String>,
    arrays: Vec<String>,
    ndims: BTreeMap<String, usize>,
    /// (lo bound, hi bound, offset, array, axis)
    uses: BTreeSet<(usize, usize, i64, usize, usize)>,
    scalars: BTreeSet<String>,
    temps: BTreeSet<String>,
}

impl Nest {
    fn bound(&mut self, text: &str) -> usize {
        if let Some(k) = self.bounds.iter().position(|b| b == text) {
            return k;
        }
        self.bounds.push(text.to_string());
        self.bounds.len() - 1
    }

    fn array(&mut self, name: &str, ndim: usize) -> Result<usize, String> {
        if let Some(&d) = self.ndims.get(name) {
            if d != ndim {
                return Err(format!("`{name}` is indexed with {d} and with {ndim} indices"));
            }
        }
        self.ndims.insert(name.to_string(), ndim);
        if let Some(k) = self.arrays.iter().position(|a| a == name) {
            return Ok(k);
        }
        self.arrays.push(name.to_string());
        Ok(self.arrays.len() - 1)
    }

    /// Record an access `name[idx]` and return its slice text (`A[:n, 1:m + 1]`).
    fn access(&mut self, name: &str, idx: &Index) -> Result<String, String> {
        let a = self.array(name, idx.len())?;
        let mut parts = Vec::new();
        for (axis, (v, c)) in idx.iter().enumerate() {
            let (lo, hi) = self.loops.get(v).cloned().ok_or_else(|| format!("`{v}` is not a loop variable of the nest"))?;
            let (lk, hk) = (self.bound(&lo), self.bound(&hi));
            self.uses.insert((lk, hk, *c, a, axis));
            let lo_s = shift(&lo, *c);
            let hi_s = shift(&hi, *c);
            parts.push(if lo_s == "0" { format!(":{hi_s}") } else { format!("{lo_s}:{hi_s}") });
        }
        Ok(format!("{name}[{}]", parts.join(", ")))
    }
}

/// `text + c` written simply: `n - 1` + 1 is `n`, `0` + 2 is `2`.
fn shift(text: &str, c: i64) -> String {
    if c == 0 {
        return text.to_string();
    }
    if let Ok(v) = text.trim().parse::<i64>() {
        return (v + c).to_string();
    }
    for (sep, sign) in [(" - ", -1i64), (" + ", 1)] {
        if let Some((head, tail)) = text.rsplit_once(sep) {
            if let Ok(v) = tail.trim().parse::<i64>() {
                let total = sign * v + c;
                return match total.cmp(&0) {
                    std::cmp::Ordering::Equal => head.to_string(),
                    std::cmp::Ordering::Greater => format!("{head} + {total}"),
                    std::cmp::Ordering::Less => format!("{head} - {}", -total),
                };
            }
        }
    }
    if c > 0 {
        format!("({text}) + {c}")
    } else {
        format!("({text}) - {}", -c)
    }
}

/// A loop bound the guard may evaluate again and again: names, int literals, `len(x)`,
/// `x.shape[k]`, and + - * // of those.
fn pure_bound(e: &Expr) -> bool {
    match e {
        Expr::Name(_) => true,
        Expr::Constant(c) => matches!(c.value, ast::Constant::Int(_)),
        Expr::Call(c) if pyast::dotted(&c.func).as_deref() == Some("len") && c.args.len() == 1 && c.keywords.is_empty() => match &c.args[0] {
            Expr::Name(_) => true,
            Expr::Subscript(s) => matches!(s.value.as_ref(), Expr::Name(_)) && matches!(s.slice.as_ref(), Expr::Constant(k) if matches!(k.value, ast::Constant::Int(_))),
            _ => false,
        },
        Expr::Subscript(s) => {
            matches!(s.value.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "shape" && matches!(a.value.as_ref(), Expr::Name(_)))
                && matches!(s.slice.as_ref(), Expr::Constant(k) if matches!(k.value, ast::Constant::Int(_)))
        }
        Expr::BinOp(b) => matches!(b.op, ast::Operator::Add | ast::Operator::Sub | ast::Operator::Mult | ast::Operator::FloorDiv) && pure_bound(&b.left) && pure_bound(&b.right),
        _ => false,
    }
}

fn names_in(e: &Expr) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    pyast::walk_expr(e, &mut |x| {
        if let Some(n) = pyast::name_of(x) {
            out.insert(n.to_string());
        }
    });
    out
}

/// `range(hi)` / `range(lo, hi)` -> (lo, hi) texts.
fn range_bounds(iter: &Expr, src: &str) -> Option<(String, String)> {
    let Expr::Call(c) = iter else { return None };
    if pyast::dotted(&c.func).as_deref() != Some("range") || !c.keywords.is_empty() {
        return None;
    }
    match c.args.as_slice() {
        [hi] if pure_bound(hi) => Some(("0".into(), pyast::text(src, hi).to_string())),
        [lo, hi] if pure_bound(lo) && pure_bound(hi) => Some((pyast::text(src, lo).to_string(), pyast::text(src, hi).to_string())),
        _ => None,
    }
}

/// `X[i, j]` or `X[i][j]`: the array and its indices (loop variable + constant offset).
fn subscript(e: &Expr) -> Option<(String, Index)> {
    let Expr::Subscript(s) = e else { return None };
    let mut idx = match s.slice.as_ref() {
        Expr::Tuple(t) => t.elts.iter().map(index_of).collect::<Option<Vec<_>>>()?,
        other => vec![index_of(other)?],
    };
    match s.value.as_ref() {
        Expr::Name(n) => Some((n.id.to_string(), idx)),
        inner @ Expr::Subscript(_) => {
            let (name, mut outer) = subscript(inner)?;
            outer.append(&mut idx);
            Some((name, outer))
        }
        _ => None,
    }
}

fn index_of(e: &Expr) -> Option<(String, i64)> {
    let int = |x: &Expr| match x {
        Expr::Constant(c) => match &c.value {
            ast::Constant::Int(v) => v.to_string().parse::<i64>().ok().filter(|v| v.abs() <= 1 << 20),
            _ => None,
        },
        _ => None,
    };
    match e {
        Expr::Name(n) => Some((n.id.to_string(), 0)),
        Expr::BinOp(b) => match (b.op, b.left.as_ref(), b.right.as_ref()) {
            (ast::Operator::Add, Expr::Name(n), r) => Some((n.id.to_string(), int(r)?)),
            (ast::Operator::Add, l, Expr::Name(n)) => Some((n.id.to_string(), int(l)?)),
            (ast::Operator::Sub, Expr::Name(n), r) => Some((n.id.to_string(), -int(r)?)),
            _ => None,
        },
        _ => None,
    }
}

/// Collect the statements of a nest (loops and their bodies), or say why it is not one.
fn collect<'a>(stmts: &'a [Stmt], loops: &mut Vec<String>, nest: &mut Nest, out: &mut Vec<VStmt<'a>>, src: &str) -> Result<(), String> {
    let mut k = 0;
    while k < stmts.len() {
        let s = &stmts[k];
        match s {
            Stmt::For(fl) => {
                let v = enter_loop(fl, &|v| loops.iter().any(|l| l == v), nest, src)?;
                loops.push(v);
                collect(&fl.body, loops, nest, out, src)?;
                loops.pop();
            }
            Stmt::Assign(a) if a.targets.len() == 1 && matches!(a.targets[0], Expr::Name(_)) => {
                // the temporary pattern: `s = init` (one or more), then loops of `s += term`,
                // then one store that reads them
                let mut temps: Vec<Temp> = Vec::new();
                while let Some(Stmt::Assign(a)) = stmts.get(k) {
                    let Some(name) = (a.targets.len() == 1).then(|| pyast::name_of(&a.targets[0])).flatten() else { break };
                    if !scalar_only(&a.value, nest) || names_in(&a.value).iter().any(|n| loops.contains(n)) {
                        return Err(format!("`{name}` starts from a value that depends on the loop"));
                    }
                    if loops.iter().any(|l| l == name) || nest.loops.contains_key(name) || temps.iter().any(|t| t.name == name) {
                        return Err(format!("`{name}` is a loop variable or set twice"));
                    }
                    nest.temps.insert(name.to_string());
                    temps.push(Temp { name: name.to_string(), init: &a.value, terms: Vec::new() });
                    k += 1;
                }
                let mut any_loop = false;
                while let Some(st @ Stmt::For(_)) = stmts.get(k) {
                    let mut inner = Vec::new();
                    sum_terms(std::slice::from_ref(st), &mut temps, loops, &mut inner, nest, src)?;
                    any_loop = true;
                    k += 1;
                }
                let names: Vec<String> = temps.iter().map(|t| t.name.clone()).collect();
                let (Some(store), true) = (stmts.get(k), any_loop) else {
                    return Err(format!("`{} = ...` inside the nest is not a sum's start", names[0]));
                };
                let (target, idx, op, value) = store_of(store).ok_or_else(|| format!("`{}` is not stored into an array right after its sum", names[0]))?;
                if let Some(t) = temps.iter().find(|t| t.terms.is_empty() || !names_in(value).contains(&t.name)) {
                    return Err(format!("`{}` is not summed, or not stored into an array right after its sum", t.name));
                }
                out.push(VStmt { target, idx, op, loops: loops.clone(), expr: value, temps });
                k += 1;
                continue;
            }
            _ => {
                let (target, idx, op, value) = store_of(s).ok_or_else(|| format!("a statement that is not an array store: `{}`", first_line(pyast::text(src, s))))?;
                out.push(VStmt { target, idx, op, loops: loops.clone(), expr: value, temps: Vec::new() });
            }
        }
        k += 1;
    }
    Ok(())
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// A loop of the nest (`for v in range(lo, hi)`, no `else`): its variable, registered with its
/// range, or why not. `taken`: names it may not rebind (the loops around it, temporaries).
fn enter_loop(fl: &ast::StmtFor, taken: &dyn Fn(&str) -> bool, nest: &mut Nest, src: &str) -> Result<String, String> {
    let v = pyast::name_of(&fl.target).ok_or("a loop target that is not a name")?.to_string();
    if !fl.orelse.is_empty() {
        return Err("a loop with `else`".into());
    }
    let (lo, hi) = range_bounds(&fl.iter, src).ok_or_else(|| format!("`for {v} in {}`: not a range with simple bounds", pyast::text(src, fl.iter.as_ref())))?;
    if taken(&v) || nest.temps.contains(&v) {
        return Err(format!("`{v}` is bound again by a loop inside a loop over it"));
    }
    if let Expr::Call(c) = fl.iter.as_ref() {
        if c.args.iter().any(|a| names_in(a).iter().any(|n| nest.loops.contains_key(n) || nest.temps.contains(n))) {
            return Err(format!("the bounds of `{v}` depend on another loop (a triangular nest)"));
        }
    }
    if let Some(prev) = nest.loops.get(&v) {
        if prev != &(lo.clone(), hi.clone()) {
            return Err(format!("`{v}` runs over two different ranges"));
        }
    }
    nest.loops.insert(v.clone(), (lo, hi));
    Ok(v)
}

/// The loops of the temporaries' sums: only `s += term` / `s -= term` inside.
fn sum_terms<'a>(stmts: &'a [Stmt], temps: &mut [Temp<'a>], outer: &[String], inner: &mut Vec<String>, nest: &mut Nest, src: &str) -> Result<(), String> {
    for s in stmts {
        match s {
            Stmt::For(fl) => {
                let v = enter_loop(fl, &|v| inner.iter().chain(outer).any(|l| l == v), nest, src)?;
                inner.push(v);
                sum_terms(&fl.body, temps, outer, inner, nest, src)?;
                inner.pop();
            }
            Stmt::AugAssign(a) if matches!(a.op, ast::Operator::Add | ast::Operator::Sub) && pyast::name_of(&a.target).is_some_and(|n| temps.iter().any(|t| t.name == n)) => {
                let name = pyast::name_of(&a.target).unwrap();
                if inner.is_empty() {
                    return Err(format!("`{name}` is summed outside a loop"));
                }
                if names_in(&a.value).iter().any(|n| temps.iter().any(|t| &t.name == n)) {
                    return Err(format!("the sum into `{name}` reads a temporary"));
                }
                let t = temps.iter_mut().find(|t| t.name == name).unwrap();
                t.terms.push((matches!(a.op, ast::Operator::Sub), a.value.as_ref(), inner.clone()));
            }
            _ => return Err(format!("the sum into `{}` has other statements: `{}`", temps[0].name, first_line(pyast::text(src, s)))),
        }
    }
    Ok(())
}

/// `T[idx] = E`, `T[idx] += E`, ... -> (T, idx, op, E).
fn store_of(s: &Stmt) -> Option<(String, Index, Op, &Expr)> {
    match s {
        Stmt::Assign(a) if a.targets.len() == 1 => {
            let (t, idx) = subscript(&a.targets[0])?;
            // `T[i] = T[i] + E` (PolyBench's spelling) is `T[i] += E`, and `T[i] = E + T[i]` too
            // (IEEE addition commutes); `T[i] = T[i] - E` is `T[i] -= E`
            if let Expr::BinOp(b) = a.value.as_ref() {
                let same = |x: &Expr| subscript(x).is_some_and(|(n, i)| n == t && i == idx);
                match b.op {
                    ast::Operator::Add if same(&b.left) && !mentions_access(&b.right, &t) => return Some((t, idx, Op::Add, b.right.as_ref())),
                    ast::Operator::Add if same(&b.right) && !mentions_access(&b.left, &t) => return Some((t, idx, Op::Add, b.left.as_ref())),
                    ast::Operator::Sub if same(&b.left) && !mentions_access(&b.right, &t) => return Some((t, idx, Op::Sub, b.right.as_ref())),
                    _ => {}
                }
            }
            Some((t, idx, Op::Set, a.value.as_ref()))
        }
        Stmt::AugAssign(a) => {
            let (t, idx) = subscript(&a.target)?;
            let op = match a.op {
                ast::Operator::Add => Op::Add,
                ast::Operator::Sub => Op::Sub,
                ast::Operator::Mult => Op::Mul,
                ast::Operator::Div => Op::Div,
                _ => return None,
            };
            Some((t, idx, op, a.value.as_ref()))
        }
        _ => None,
    }
}

/// Whether `e` reads the array `name`.
fn mentions_access(e: &Expr, name: &str) -> bool {
    let mut v = Vec::new();
    whole_accesses(e, &mut v);
    v.iter().any(|(n, _)| n == name)
}

/// An expression of Python scalars only (names, literals, + - *): evaluated once instead of
/// per iteration, it gives the same value and cannot raise.
fn scalar_only(e: &Expr, nest: &Nest) -> bool {
    match e {
        Expr::Constant(c) => matches!(c.value, ast::Constant::Int(_) | ast::Constant::Float(_)),
        Expr::Name(n) => !nest.loops.contains_key(n.id.as_str()) && !nest.temps.contains(n.id.as_str()),
        Expr::UnaryOp(u) => matches!(u.op, ast::UnaryOp::USub | ast::UnaryOp::UAdd) && scalar_only(&u.operand, nest),
        Expr::BinOp(b) => matches!(b.op, ast::Operator::Add | ast::Operator::Sub | ast::Operator::Mult) && scalar_only(&b.left, nest) && scalar_only(&b.right, nest),
        _ => false,
    }
}

/// Vars (in order of first appearance) of the array accesses in an expression.
fn expr_vars(e: &Expr) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    pyast::walk_expr(e, &mut |x| {
        if let Some((_, idx)) = subscript(x) {
            for (v, _) in idx {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
        }
    });
    out
}

struct Emit<'n> {
    nest: &'n mut Nest,
    src: &'n str,
    /// Arrays written by the nest: never read inside a contraction.
    written: BTreeSet<String>,
    /// The contractions, computed before any statement writes (they read no written array).
    hoisted: Vec<String>,
    /// The same on the GPU (AX020), copied back to the host.
    hoisted_gpu: Vec<Option<String>>,
    /// A contraction of two or more arrays was made (where a GPU's work outgrows the copies).
    products: bool,
    /// Per summed term: (count, scalars, arrays) for `_aiaccel_bounded`; and what the sums are
    /// added to (accumulated arrays, starting values).
    bound_terms: Vec<String>,
    bound_base: Vec<String>,
    /// The loops of the sums: (lo, hi) bound positions that must not be empty.
    nonempty: BTreeSet<(usize, usize)>,
    /// Per written array, a bound on its largest |element| so far in the nest, as Python text
    /// (None: not known, e.g. after a division): what a later sum into it is added to.
    cur_bound: BTreeMap<String, Option<String>>,
}

impl Emit<'_> {
    /// The bound on `name`'s largest |element| at this point of the nest.
    fn bound_of(&mut self, name: &str, idx: &Index) -> Result<Option<String>, String> {
        if let Some(b) = self.cur_bound.get(name) {
            return Ok(b.clone());
        }
        Ok(Some(format!("_aiaccel_top({})", self.nest.access(name, idx)?)))
    }

    /// A bound on the largest |value| of an element-wise expression, from its parts' bounds
    /// (None where it has none: a division).
    fn abs_bound(&mut self, e: &Expr, temps: &BTreeMap<String, String>) -> Result<Option<String>, String> {
        Ok(match e {
            Expr::Constant(_) => Some(format!("abs({})", pyast::text(self.src, e))),
            Expr::Name(n) if temps.contains_key(n.id.as_str()) => None,
            Expr::Name(n) => Some(format!("abs({})", n.id)),
            Expr::Subscript(_) => match subscript(e) {
                Some((name, idx)) => self.bound_of(&name, &idx)?,
                None => None,
            },
            Expr::UnaryOp(u) => self.abs_bound(&u.operand, temps)?,
            Expr::BinOp(b) => {
                let l = self.abs_bound(&b.left, temps)?;
                match b.op {
                    ast::Operator::Pow => l.map(|l| format!("({l} * {l})")),
                    ast::Operator::Add | ast::Operator::Sub | ast::Operator::Mult => {
                        let r = self.abs_bound(&b.right, temps)?;
                        let op = if matches!(b.op, ast::Operator::Mult) { "*" } else { "+" };
                        l.zip(r).map(|(l, r)| format!("({l} {op} {r})"))
                    }
                    _ => None,
                }
            }
            _ => None,
        })
    }

    /// After an element-wise statement `name[idx] op= e`: the new bound of `name`.
    fn note_store(&mut self, name: &str, idx: &Index, op: Op, e: &Expr, temps: &BTreeMap<String, String>) -> Result<(), String> {
        let cur = self.bound_of(name, idx)?;
        let b = self.abs_bound(e, temps)?;
        let new = match op {
            Op::Set => b,
            Op::Add | Op::Sub => cur.zip(b).map(|(c, b)| format!("({c} + {b})")),
            Op::Mul => cur.zip(b).map(|(c, b)| format!("({c} * {b})")),
            Op::Div => None,
        };
        self.cur_bound.insert(name.to_string(), new);
        Ok(())
    }

    /// A contraction computed before the statements: (CPU text, GPU text).
    fn hoist(&mut self, text: String, gpu: Option<String>) -> String {
        self.hoisted.push(strip_outer(&text));
        self.hoisted_gpu.push(gpu.map(|g| format!("_aiaccel_cp.asnumpy({})", strip_outer(&g))));
        format!("_aiaccel_t{}", self.hoisted.len() - 1)
    }

    /// The aligned view of an access for an element-wise expression over `out`.
    fn view(&mut self, name: &str, idx: &Index, out: &[String]) -> Result<String, String> {
        let vars: Vec<&String> = idx.iter().map(|(v, _)| v).collect();
        if vars.iter().collect::<BTreeSet<_>>().len() != vars.len() {
            return Err(format!("`{name}` indexed twice by one variable (a diagonal)"));
        }
        if let Some(v) = vars.iter().find(|v| !out.contains(v)) {
            return Err(format!("`{v}` indexes `{name}` but not the stored element"));
        }
        let text = self.nest.access(name, idx)?;
        Ok(align(text, &vars.iter().map(|v| v.as_str()).collect::<Vec<_>>(), out))
    }

    /// An element-wise expression over the stored element's indices `out`; (text, has arrays).
    fn elem(&mut self, e: &Expr, out: &[String], temp: &BTreeMap<String, String>) -> Result<(String, bool), String> {
        Ok(match e {
            Expr::Constant(c) if matches!(c.value, ast::Constant::Int(_) | ast::Constant::Float(_)) => (pyast::text(self.src, e).to_string(), false),
            Expr::Name(n) => {
                let id = n.id.as_str();
                if let Some(text) = temp.get(id) {
                    return Ok((text.clone(), true));
                }
                if self.nest.loops.contains_key(id) {
                    return Err(format!("the loop variable `{id}` is used as a value"));
                }
                if self.nest.temps.contains(id) {
                    return Err(format!("`{id}` is read outside its own store"));
                }
                self.nest.scalars.insert(id.to_string());
                (id.to_string(), false)
            }
            Expr::Subscript(_) => {
                let (name, idx) = subscript(e).ok_or_else(|| format!("an index that is not a loop variable: `{}`", pyast::text(self.src, e)))?;
                (self.view(&name, &idx, out)?, true)
            }
            Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub) => {
                let (t, a) = self.elem(&u.operand, out, temp)?;
                (format!("(-{t})"), a)
            }
            Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::UAdd) => self.elem(&u.operand, out, temp)?,
            Expr::BinOp(b) => {
                let op = match b.op {
                    ast::Operator::Add => "+",
                    ast::Operator::Sub => "-",
                    ast::Operator::Mult => "*",
                    ast::Operator::Div => "/",
                    ast::Operator::Pow if matches!(b.right.as_ref(), Expr::Constant(c) if matches!(&c.value, ast::Constant::Int(k) if k.to_string() == "2")) => "**",
                    _ => return Err(format!("an operator NumPy applies differently: `{}`", pyast::text(self.src, e))),
                };
                let (l, la) = self.elem(&b.left, out, temp)?;
                let (r, ra) = if op == "**" { ("2".to_string(), false) } else { self.elem(&b.right, out, temp)? };
                if (op == "/" || op == "**") && !(la || ra) {
                    // Python floats raise on 1.0 / 0.0 where NumPy's give inf
                    return Err(format!("a division of Python scalars: `{}`", pyast::text(self.src, e)));
                }
                (format!("({l} {op} {r})"), la || ra)
            }
            _ => return Err(format!("not element-wise arithmetic: `{}`", pyast::text(self.src, e))),
        })
    }

    /// Σ over `sum_vars` of the terms, as an array over `out` (aligned).
    fn contraction(&mut self, terms: &[(bool, &Expr, Vec<String>)], out: &[String], gpu: bool) -> Result<String, String> {
        let mut parts = Vec::new();
        for (neg, term, sum_vars) in terms {
            let mut coefs = Vec::new();
            let mut factors = Vec::new();
            let mut negs = 0;
            flatten_product(term, &mut coefs, &mut factors, &mut negs).ok_or_else(|| format!("a summed term that is not a product: `{}`", pyast::text(self.src, *term)))?;
            let tv = expr_vars(term);
            if let Some(v) = sum_vars.iter().find(|v| !tv.contains(v)) {
                return Err(format!("a term summed over `{v}` that does not depend on it"));
            }
            if let Some(v) = tv.iter().find(|v| !out.contains(v) && !sum_vars.contains(v)) {
                return Err(format!("`{v}` indexes a summed term but not the stored element"));
            }
            if factors.is_empty() {
                return Err("a summed term with no array".into());
            }
            let mut ops = Vec::new();
            for (name, idx) in &factors {
                if self.written.contains(name) {
                    return Err(format!("`{name}` is written by the nest and read in a sum"));
                }
                let vs: Vec<String> = idx.iter().map(|(v, _)| v.clone()).collect();
                if vs.iter().collect::<BTreeSet<_>>().len() != vs.len() {
                    return Err(format!("`{name}` indexed twice by one variable (a diagonal)"));
                }
                let a = self.nest.access(name, idx)?;
                ops.push((if gpu { format!("_aiaccel_cp.asarray({a})") } else { a }, vs));
            }
            let mut coef_texts = Vec::new();
            for c in coefs {
                if !scalar_only(c, self.nest) {
                    return Err(format!("a factor that is not a scalar: `{}`", pyast::text(self.src, c)));
                }
                for n in names_in(c) {
                    self.nest.scalars.insert(n);
                }
                coef_texts.push(pyast::text(self.src, c).to_string());
            }
            let res_vars: Vec<String> = out.iter().filter(|v| tv.contains(v)).cloned().collect();
            self.products |= ops.len() >= 2;
            if !gpu {
                let mut count = Vec::new();
                for v in sum_vars {
                    let (lo, hi) = self.nest.loops[v].clone();
                    let (lk, hk) = (self.nest.bound(&lo), self.nest.bound(&hi));
                    self.nonempty.insert((lk, hk));
                    count.push(if lo == "0" { paren(&hi) } else { format!("({hi} - {lo})") });
                }
                let arrays: Vec<String> = ops.iter().map(|(t, _)| t.clone()).collect();
                let tup = |v: &[String]| if v.len() == 1 { format!("({},)", v[0]) } else { format!("({})", v.join(", ")) };
                self.bound_terms.push(format!("({}, {}, {})", count.join(" * "), if coef_texts.is_empty() { "()".to_string() } else { tup(&coef_texts) }, tup(&arrays)));
            }
            let (core, core_vars) = contract_text(&ops, &res_vars, if gpu { "_aiaccel_cp" } else { "_aiaccel_np" });
            let aligned = align(core, &core_vars.iter().map(String::as_str).collect::<Vec<_>>(), out);
            let mut t = if coef_texts.is_empty() { aligned } else { format!("{} * {aligned}", coef_texts.iter().map(|c| paren(c)).collect::<Vec<_>>().join(" * ")) };
            if (negs % 2 == 1) != *neg {
                t = format!("-({t})");
            }
            parts.push(t);
        }
        let mut s = parts[0].clone();
        for p in &parts[1..] {
            if let Some(rest) = p.strip_prefix("-(").and_then(|r| r.strip_suffix(')')) {
                s = format!("{s} - ({rest})");
            } else {
                s = format!("{s} + {p}");
            }
        }
        Ok(if parts.len() > 1 { format!("({s})") } else { s })
    }
}

fn paren(c: &str) -> String {
    if c.chars().all(|ch| ch.is_alphanumeric() || ch == '_' || ch == '.') {
        c.to_string()
    } else {
        format!("({c})")
    }
}

/// A product of scalars and array accesses (with unary minus): its parts, in order.
fn flatten_product<'a>(e: &'a Expr, coefs: &mut Vec<&'a Expr>, factors: &mut Vec<(String, Index)>, negs: &mut usize) -> Option<()> {
    match e {
        Expr::BinOp(b) if matches!(b.op, ast::Operator::Mult) => {
            flatten_product(&b.left, coefs, factors, negs)?;
            flatten_product(&b.right, coefs, factors, negs)
        }
        Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub) => {
            *negs += 1;
            flatten_product(&u.operand, coefs, factors, negs)
        }
        Expr::Subscript(_) => {
            factors.push(subscript(e)?);
            Some(())
        }
        Expr::Name(_) | Expr::Constant(_) => {
            coefs.push(e);
            Some(())
        }
        Expr::BinOp(_) if !expr_has_subscript(e) => {
            coefs.push(e);
            Some(())
        }
        _ => None,
    }
}

/// The array accesses of an expression, whole (`A[i][j]` once, not also `A[i]`).
fn whole_accesses(e: &Expr, out: &mut Vec<(String, Index)>) {
    if let Some(a) = subscript(e) {
        out.push(a);
        return;
    }
    for c in pyast::expr_children(e) {
        whole_accesses(c, out);
    }
}

fn expr_has_subscript(e: &Expr) -> bool {
    let mut found = false;
    pyast::walk_expr(e, &mut |x| found |= matches!(x, Expr::Subscript(_)));
    found
}

/// The contraction of the operands down to `res_vars` as NumPy text, and the vars of its
/// axes in order: `@` where it is a matrix or matrix-vector product, `np.einsum` otherwise.
fn contract_text(ops: &[(String, Vec<String>)], res_vars: &[String], xp: &str) -> (String, Vec<String>) {
    if ops.len() == 2 {
        let (x, xv) = &ops[0];
        let (y, yv) = &ops[1];
        let shared: Vec<&String> = xv.iter().filter(|v| yv.contains(v)).collect();
        if shared.len() == 1 && !res_vars.contains(shared[0]) && xv.len() <= 2 && yv.len() <= 2 {
            let c = shared[0];
            // x oriented with c last, y with c first
            let (xt, xrest): (String, Vec<String>) = match xv.as_slice() {
                [v] if v == c => (x.clone(), vec![]),
                [a, b] if b == c => (x.clone(), vec![a.clone()]),
                [a, b] if a == c => (format!("{x}.T"), vec![b.clone()]),
                _ => unreachable!(),
            };
            let (yt, yrest): (String, Vec<String>) = match yv.as_slice() {
                [v] if v == c => (y.clone(), vec![]),
                [a, b] if a == c => (y.clone(), vec![b.clone()]),
                [a, b] if b == c => (format!("{y}.T"), vec![a.clone()]),
                _ => unreachable!(),
            };
            let vars: Vec<String> = xrest.into_iter().chain(yrest).collect();
            if vars.iter().all(|v| res_vars.contains(v)) && vars.len() == res_vars.len() && !vars.is_empty() {
                return (format!("({xt} @ {yt})"), vars);
            }
        }
    }
    if let [(x, xv)] = ops {
        // one array summed over some of its axes
        let axes: Vec<String> = xv.iter().enumerate().filter(|(_, v)| !res_vars.contains(v)).map(|(k, _)| k.to_string()).collect();
        let rest: Vec<String> = xv.iter().filter(|v| res_vars.contains(v)).cloned().collect();
        if !axes.is_empty() && rest.len() == res_vars.len() {
            let axis = if axes.len() == 1 { axes[0].clone() } else { format!("({})", axes.join(", ")) };
            return (format!("{x}.sum(axis={axis})"), rest);
        }
    }
    // einsum: one letter per variable
    let mut letters: BTreeMap<String, char> = BTreeMap::new();
    let mut next = b'a';
    let mut letter = |v: &String| {
        *letters.entry(v.clone()).or_insert_with(|| {
            let c = next as char;
            next += 1;
            c
        })
    };
    let specs: Vec<String> = ops.iter().map(|(_, vs)| vs.iter().map(&mut letter).collect()).collect();
    let out: String = res_vars.iter().map(&mut letter).collect();
    let args: Vec<&str> = ops.iter().map(|(t, _)| t.as_str()).collect();
    (format!("{xp}.einsum(\"{}->{}\", {}, optimize=True)", specs.join(","), out, args.join(", ")), res_vars.to_vec())
}

/// `text` (axes `vars`) broadcast against the axes `out`: transposed into out's order, with
/// new axes where a variable of `out` is missing.
fn align(text: String, vars: &[&str], out: &[String]) -> String {
    let ordered: Vec<&str> = out.iter().map(String::as_str).filter(|v| vars.contains(v)).collect();
    let mut t = text;
    if ordered != vars {
        if vars.len() == 2 {
            t = format!("{t}.T");
        } else {
            let perm: Vec<String> = ordered.iter().map(|v| vars.iter().position(|x| x == v).unwrap().to_string()).collect();
            t = format!("{t}.transpose({})", perm.join(", "));
        }
    }
    if ordered.len() < out.len() && !ordered.is_empty() {
        let idx: Vec<&str> = out.iter().map(|v| if ordered.contains(&v.as_str()) { ":" } else { "None" }).collect();
        t = format!("{t}[{}]", idx.join(", "));
    }
    t
}

/// The nest starting at `s` as a guarded whole-array rewrite (an edit of its lines).
fn vectorize_nest(s: &Stmt, def: &ast::StmtFunctionDef, src: &str, device: Device) -> Result<Edit, String> {
    let gpu = matches!(device, Device::Gpu { .. });
    let mut nest = Nest::default();
    let mut stmts = Vec::new();
    collect(std::slice::from_ref(s), &mut Vec::new(), &mut nest, &mut stmts, src)?;
    if stmts.is_empty() {
        return Err("a loop that stores nothing".into());
    }
    // every array the nest writes is read and written at one index
    let written: BTreeSet<String> = stmts.iter().map(|v| v.target.clone()).collect();
    let mut at: BTreeMap<String, Index> = BTreeMap::new();
    let mut check = |name: &str, idx: &Index| -> Result<(), String> {
        if !written.contains(name) {
            return Ok(());
        }
        match at.get(name) {
            Some(prev) if prev != idx => Err(format!("`{name}` is written and read at different indices (a recurrence)")),
            _ => {
                at.insert(name.to_string(), idx.clone());
                Ok(())
            }
        }
    };
    // every index is a loop that encloses the access (not one that ended before it)
    //     for j in range(m): s += A[i, j]
    //     Y[i, j] = s          # j is m - 1 here: one column, not all of them
    for v in &stmts {
        let mut acc = vec![(v.target.clone(), v.idx.clone())];
        whole_accesses(v.expr, &mut acc);
        if let Some((n, (x, _))) = acc.iter().find_map(|(n, idx)| idx.iter().find(|(x, _)| !v.loops.contains(x)).map(|i| (n, i))) {
            return Err(format!("`{n}` is indexed by `{x}` after its loop ended"));
        }
        for t in &v.temps {
            for (_, e, inner) in &t.terms {
                let mut acc = Vec::new();
                whole_accesses(e, &mut acc);
                if let Some((n, (x, _))) = acc.iter().find_map(|(n, idx)| idx.iter().find(|(x, _)| !v.loops.contains(x) && !inner.contains(x)).map(|i| (n, i))) {
                    return Err(format!("`{n}` is indexed by `{x}` after its loop ended"));
                }
            }
        }
    }
    // an array summed into over a loop is not touched by another statement inside that loop:
    // there it holds a partial sum, which the whole-array form never has
    //     for j in range(m): s[i] += A[i, j]; out[i, j] = s[i]     # a running sum
    for (a, v) in stmts.iter().enumerate() {
        let out: Vec<&String> = v.idx.iter().map(|(x, _)| x).collect();
        let sums: Vec<&String> = v.loops.iter().filter(|l| !out.contains(l)).collect();
        if !matches!(v.op, Op::Add | Op::Sub) || sums.is_empty() || !v.temps.is_empty() {
            continue;
        }
        for (b, w) in stmts.iter().enumerate() {
            if a == b || !w.loops.iter().any(|l| sums.contains(&l)) {
                continue;
            }
            let also_sum = w.target == v.target && matches!(w.op, Op::Add | Op::Sub) && w.temps.is_empty() && !mentions_access(w.expr, &v.target);
            let touches = w.target == v.target || mentions_access(w.expr, &v.target) || w.temps.iter().any(|t| t.terms.iter().any(|(_, e, _)| mentions_access(e, &v.target)));
            if touches && !also_sum {
                return Err(format!("`{}` is read while it is being summed into (a running sum)", v.target));
            }
        }
    }
    // names the function declares global or nonlocal: the loops bind them for the caller too
    let mut declared = BTreeSet::new();
    pyast::walk_stmts(&def.body, &mut |st| match st {
        Stmt::Global(g) => declared.extend(g.names.iter().map(|n| n.to_string())),
        Stmt::Nonlocal(g) => declared.extend(g.names.iter().map(|n| n.to_string())),
        _ => {}
    });
    if let Some(n) = nest.loops.keys().chain(nest.temps.iter()).find(|n| declared.contains(*n)) {
        return Err(format!("`{n}` is declared global or nonlocal: the loops set it for others to see"));
    }
    for v in &stmts {
        check(&v.target, &v.idx)?;
        let mut exprs = vec![v.expr];
        for t in &v.temps {
            exprs.extend(t.terms.iter().map(|(_, e, _)| *e));
        }
        for e in exprs {
            let mut subs = Vec::new();
            whole_accesses(e, &mut subs);
            for (name, idx) in subs {
                check(&name, &idx)?;
            }
        }
    }
    // loop variables and temporaries are not read anywhere else in the function, except inside
    // a loop that binds them itself (`for i in ...` of the next nest): the whole-array form never
    // binds them, where the loops leave them at their last value
    let nest_range = pyast::range(s);
    let private: BTreeSet<String> = nest.loops.keys().cloned().chain(nest.temps.iter().cloned()).collect();
    if let Some(n) = read_outside(&def.body, &private, &nest_range, &BTreeSet::new()) {
        return Err(format!("`{n}` is used outside the nest (Python leaves it bound after the loop)"));
    }
    let mut em = Emit { nest: &mut nest, src, written: written.clone(), hoisted: Vec::new(), hoisted_gpu: Vec::new(), products: false, bound_terms: Vec::new(), bound_base: Vec::new(), nonempty: BTreeSet::new(), cur_bound: BTreeMap::new() };
    let mut lines = Vec::new();
    for v in &stmts {
        let out: Vec<String> = v.idx.iter().map(|(x, _)| x.clone()).collect();
        if out.iter().collect::<BTreeSet<_>>().len() != out.len() {
            return Err(format!("`{}` stored with one variable twice (a diagonal)", v.target));
        }
        let sum_vars: Vec<String> = v.loops.iter().filter(|l| !out.contains(l)).cloned().collect();
        let target = em.nest.access(&v.target, &v.idx)?;
        let line = match (v.temps.is_empty(), v.op) {
            (false, op) => {
                if !sum_vars.is_empty() {
                    return Err(format!("`{}` is stored inside a loop over `{}` it does not depend on", v.target, sum_vars[0]));
                }
                let mut values = BTreeMap::new();
                for t in &v.temps {
                    let init = pyast::text(src, t.init).to_string();
                    for n in names_in(t.init) {
                        em.nest.scalars.insert(n);
                    }
                    let sum = em.contraction(&t.terms, &out, false)?;
                    let on_gpu = if gpu { Some(em.contraction(&t.terms, &out, true)?) } else { None };
                    let sum = em.hoist(sum, on_gpu);
                    em.bound_base.push(init.clone());
                    values.insert(t.name.clone(), if init == "0" || init == "0.0" { format!("({init} + {sum})") } else { format!("({} + {sum})", paren(&init)) });
                }
                let (e, _) = em.elem(v.expr, &out, &values)?;
                em.cur_bound.insert(v.target.clone(), None);
                format!("{target} {} {}", op_text(op), strip_outer(&e))
            }
            (true, Op::Add | Op::Sub) if !sum_vars.is_empty() => {
                let terms = sum_of_terms(v.expr, v.op == Op::Sub, &sum_vars);
                let c = em.contraction(&terms, &out, false)?;
                let on_gpu = if gpu { Some(em.contraction(&terms, &out, true)?) } else { None };
                // what the sum is added to: the target as the statements before left it
                let base = em.bound_of(&v.target, &v.idx)?.unwrap_or_else(|| "float(\"inf\")".to_string());
                em.bound_base.push(base);
                em.cur_bound.insert(v.target.clone(), None);
                format!("{target} += {}", em.hoist(c, on_gpu))
            }
            (true, op) => {
                if let Some(l) = sum_vars.first() {
                    return Err(format!("`{}` is stored inside a loop over `{l}` it does not depend on", v.target));
                }
                let (e, _) = em.elem(v.expr, &out, &BTreeMap::new())?;
                em.note_store(&v.target, &v.idx, op, v.expr, &BTreeMap::new())?;
                format!("{target} {} {}", op_text(op), strip_outer(&e))
            }
        };
        lines.push(line);
    }
    let hoisted = std::mem::take(&mut em.hoisted);
    let hoisted_gpu = std::mem::take(&mut em.hoisted_gpu);
    let bound_terms = std::mem::take(&mut em.bound_terms);
    let bound_base = std::mem::take(&mut em.bound_base);
    let nonempty: Vec<String> = em.nonempty.iter().map(|(l, h)| format!("({l}, {h})")).collect();
    if gpu && !em.products {
        return Err("no product of arrays: element-wise work and sums of one array do not pay for copying the arrays to a GPU and back".into());
    }
    // the guard
    let arrays = nest.arrays.clone();
    if let Some(s) = nest.scalars.iter().find(|s| nest.ndims.contains_key(*s)) {
        return Err(format!("`{s}` is used whole and as an array"));
    }
    let ndims: Vec<String> = arrays.iter().map(|a| nest.ndims[a].to_string()).collect();
    let written_idx: Vec<String> = arrays.iter().enumerate().filter(|(_, a)| written.contains(*a)).map(|(k, _)| k.to_string()).collect();
    let uses: Vec<String> = nest.uses.iter().map(|(l, h, c, a, ax)| format!("({l}, {h}, {c}, {a}, {ax})")).collect();
    let tuple = |v: &[String]| if v.len() == 1 { format!("({},)", v[0]) } else { format!("({})", v.join(", ")) };
    let scalars: Vec<String> = nest.scalars.iter().cloned().collect();
    // (everything the guard reads is read inside the lambda: a name the loops would never reach
    // when they run no iteration must not raise here)
    let guard = format!(
        "_aiaccel_vec_ok(lambda: ({}, {}, {}), {}, {}, {}{})",
        tuple(&nest.bounds),
        tuple(&arrays),
        if scalars.is_empty() { "()".to_string() } else { tuple(&scalars) },
        tuple(&ndims),
        if written_idx.is_empty() { "()".to_string() } else { tuple(&written_idx) },
        tuple(&uses),
        if nonempty.is_empty() { String::new() } else { format!(", nonempty={}", tuple(&nonempty)) },
    );
    let start = pyast::line_start(src, nest_range.start);
    let indent = &src[start..nest_range.start];
    let end = pyast::line_end(src, nest_range.end);
    let what = if gpu { "whole-array form of the loops below, its products on a GPU where there is one (aiaccel AX020)" } else { "whole-array form of the loops below (aiaccel AX012)" };
    let mut text = format!("{indent}# {what}; the loops run where it does not apply\n");
    if hoisted.is_empty() {
        text.push_str(&format!("{indent}if {guard}:\n"));
    } else {
        // the sums first, into new arrays: an inf or NaN among them (an overflow, or one in the
        // inputs) runs the loops, whose order decides which of inf, -inf and NaN comes out
        // and no partial sum can overflow in any order (near 1e308 the loops' own order decides
        // between inf and a finite value, and NumPy's warnings with it)
        text.push_str(&format!(
            "{indent}_aiaccel_go = {guard} and _aiaccel_bounded({}, {})\n{indent}if _aiaccel_go:\n",
            if bound_base.is_empty() { "()".to_string() } else { tuple(&bound_base) },
            bound_terms.join(", ")
        ));
        if let Device::Gpu { min_work } = device {
            // the products on the GPU where there is one and the work outgrows the copies;
            // anything the device cannot do (no CuPy, no device, out of its memory) runs them
            // on the CPU, as AX012 does
            let work: Vec<String> = nest.loops.values().map(|(lo, hi)| if lo == "0" { paren(hi) } else { format!("({hi} - {lo})") }).collect();
            text.push_str(&format!("{indent}    _aiaccel_cp = _aiaccel_gpu({}, {min_work})\n", work.join(" * ")));
            text.push_str(&format!("{indent}    if _aiaccel_cp is not None:\n{indent}        try:\n"));
            for (k, h) in hoisted_gpu.iter().enumerate() {
                text.push_str(&format!("{indent}            _aiaccel_t{k} = {}\n", h.as_deref().unwrap_or(&hoisted[k])));
            }
            text.push_str(&format!("{indent}        except Exception:\n{indent}            _aiaccel_cp = None\n{indent}    if _aiaccel_cp is None:\n"));
            for (k, h) in hoisted.iter().enumerate() {
                text.push_str(&format!("{indent}        _aiaccel_t{k} = {h}\n"));
            }
        } else {
            for (k, h) in hoisted.iter().enumerate() {
                text.push_str(&format!("{indent}    _aiaccel_t{k} = {h}\n"));
            }
        }
        let names: Vec<String> = (0..hoisted.len()).map(|k| format!("_aiaccel_t{k}")).collect();
        text.push_str(&format!("{indent}    _aiaccel_go = _aiaccel_finite({})\n{indent}if _aiaccel_go:\n", names.join(", ")));
    }
    for l in &lines {
        text.push_str(&format!("{indent}    {l}\n"));
    }
    text.push_str(&format!("{indent}else:\n"));
    for l in src[start..end].lines() {
        if l.trim().is_empty() {
            text.push('\n');
        } else {
            text.push_str(&format!("    {}\n", crate::propose::rules::adapter::expand_indent_tabs(l)));
        }
    }
    Ok(Edit::new(start..end, text))
}

/// A name of `private` used outside `nest` where no enclosing `for <name> in` loop has bound it
/// again.
fn read_outside(stmts: &[Stmt], private: &BTreeSet<String>, nest: &std::ops::Range<usize>, bound: &BTreeSet<String>) -> Option<String> {
    let seen = |e: &Expr, bound: &BTreeSet<String>| -> Option<String> {
        let mut hit = None;
        pyast::walk_expr(e, &mut |x| {
            if let Some(n) = pyast::name_of(x) {
                let r = pyast::range(x);
                if private.contains(n) && !bound.contains(n) && (r.end <= nest.start || r.start >= nest.end) {
                    hit = Some(n.to_string());
                }
            }
        });
        hit
    };
    let mut bound = bound.clone();
    for st in stmts {
        let r = pyast::range(st);
        if r.start >= nest.start && r.end <= nest.end {
            continue;
        }
        // `s = ...` binds s for the statements after it in this block (the next nest's own
        // temporary): what the nest left there is never read
        if let Stmt::Assign(a) = st {
            if let Some(n) = seen(&a.value, &bound) {
                return Some(n);
            }
            let mut rest = Vec::new();
            for t in &a.targets {
                match pyast::name_of(t) {
                    Some(v) if private.contains(v) && !(r.start <= nest.start && nest.end <= r.end) => rest.push(v.to_string()),
                    _ => {
                        if let Some(n) = seen(t, &bound) {
                            return Some(n);
                        }
                    }
                }
            }
            bound.extend(rest);
            continue;
        }
        let bound = &bound;
        match st {
            Stmt::For(fl) => {
                if let Some(n) = seen(&fl.iter, bound) {
                    return Some(n);
                }
                let mut inner = bound.clone();
                match pyast::name_of(&fl.target) {
                    // (a loop around the nest binding the same name: after the nest, inside
                    // it, the name holds what the nest left)
                    Some(v) if !(r.start <= nest.start && nest.end <= r.end) => {
                        inner.insert(v.to_string());
                    }
                    Some(_) => {}
                    None => {
                        if let Some(n) = seen(&fl.target, bound) {
                            return Some(n);
                        }
                    }
                }
                if let Some(n) = read_outside(&fl.body, private, nest, &inner).or_else(|| read_outside(&fl.orelse, private, nest, bound)) {
                    return Some(n);
                }
            }
            // (a nested def or class too: it may read the names as closures)
            _ => {
                for e in pyast::stmt_exprs(st) {
                    if let Some(n) = seen(e, bound) {
                        return Some(n);
                    }
                }
                for b in pyast::stmt_blocks(st) {
                    if let Some(n) = read_outside(b, private, nest, bound) {
                        return Some(n);
                    }
                }
            }
        }
    }
    None
}

fn op_text(op: Op) -> &'static str {
    match op {
        Op::Set => "=",
        Op::Add => "+=",
        Op::Sub => "-=",
        Op::Mul => "*=",
        Op::Div => "/=",
    }
}

/// `(a + b)` -> `a + b` where the parentheses close at the end.
fn strip_outer(s: &str) -> String {
    if s.starts_with('(') && s.ends_with(')') {
        let mut depth = 0;
        for (k, ch) in s.char_indices() {
            match ch {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 && k != s.len() - 1 {
                        return s.to_string();
                    }
                }
                _ => {}
            }
        }
        return s[1..s.len() - 1].to_string();
    }
    s.to_string()
}

/// An accumulated expression as its terms: `a*b - c*d` -> [(+, a*b), (-, c*d)].
fn sum_of_terms<'a>(e: &'a Expr, neg: bool, sum_vars: &[String]) -> Vec<(bool, &'a Expr, Vec<String>)> {
    match e {
        Expr::BinOp(b) if matches!(b.op, ast::Operator::Add | ast::Operator::Sub) => {
            let mut v = sum_of_terms(&b.left, neg, sum_vars);
            v.extend(sum_of_terms(&b.right, neg != matches!(b.op, ast::Operator::Sub), sum_vars));
            v
        }
        _ => vec![(neg, e, sum_vars.to_vec())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(src: &str, name: &str) -> Result<String, String> {
        let (fs, _) = crate::discover::functions_in("m.py", src).unwrap();
        let f = fs.into_iter().find(|f| f.name == name).unwrap();
        let module = pyast::parse_module(src, "m.py").unwrap();
        let def = crate::edit::find_def(&module, &f).unwrap();
        build(&f, src, def)
    }

    #[test]
    fn a_matrix_product_nest_becomes_matmul() {
        let src = "import numpy as np\n\ndef gemm(alpha, beta, C, A, B):\n    ni, nj = C.shape\n    nk = A.shape[1]\n    for i in range(ni):\n        for j in range(nj):\n            C[i, j] *= beta\n            for k in range(nk):\n                C[i, j] += alpha * A[i, k] * B[k, j]\n";
        let out = run(src, "gemm").unwrap();
        assert!(out.contains("C[:ni, :nj] *= beta"), "{out}");
        assert!(out.contains("_aiaccel_t0 = alpha * (A[:ni, :nk] @ B[:nk, :nj])\n        _aiaccel_go = _aiaccel_finite(_aiaccel_t0)"), "{out}");
        assert!(out.contains("C[:ni, :nj] += _aiaccel_t0"), "{out}");
        assert!(out.contains("_aiaccel_go = _aiaccel_vec_ok(lambda: ((0, ni, nj, nk), (C, A, B), (alpha, beta)), (2, 2, 2), (0,),"), "{out}");
        // the loops stay, for what the guard refuses
        assert!(out.contains("    else:\n        for i in range(ni):"), "{out}");
    }

    #[test]
    fn a_temporary_sum_and_a_transposed_operand() {
        let src = "import numpy as np\n\ndef atx(A, x, y):\n    n, m = A.shape\n    for j in range(m):\n        s = 0.0\n        for i in range(n):\n            s += A[i, j] * x[i]\n        y[j] = s\n";
        let out = run(src, "atx").unwrap();
        assert!(out.contains("_aiaccel_t0 = A[:n, :m].T @ x[:n]"), "{out}");
        assert!(out.contains("y[:m] = 0.0 + _aiaccel_t0"), "{out}");
    }

    #[test]
    fn recurrences_triangles_and_loop_values_are_refused() {
        let rec = "import numpy as np\n\ndef cums(a, out):\n    for i in range(1, len(a)):\n        out[i] = out[i - 1] + a[i]\n";
        assert!(run(rec, "cums").unwrap_err().contains("recurrence"));
        let tri = "import numpy as np\n\ndef low(A, B):\n    n = A.shape[0]\n    for i in range(n):\n        for j in range(i):\n            B[i, j] = A[i, j]\n";
        assert!(run(tri, "low").unwrap_err().contains("triangular"));
        let val = "import numpy as np\n\ndef ramp(a):\n    for i in range(len(a)):\n        a[i] = i * 2.0\n";
        assert!(run(val, "ramp").unwrap_err().contains("used as a value"));
        let after = "import numpy as np\n\ndef last(a, b):\n    for i in range(len(a)):\n        b[i] = a[i] * 2.0\n    return i\n";
        assert!(run(after, "last").unwrap_err().contains("outside the nest"));
        // a later loop that binds the name again is no reader of the first one's
        let again = "import numpy as np\n\ndef twice(a, b, c):\n    for i in range(len(a)):\n        b[i] = a[i] * 2.0\n    for i in range(len(a)):\n        c[i] = a[i] * 3.0\n";
        let out = run(again, "twice").unwrap();
        assert_eq!(out.matches("_aiaccel_vec_ok(").count(), 2, "{out}");
        // a temporary the next nest sets before it reads it is not read from this one
        let temps = "import numpy as np\n\ndef two(A, y, z):\n    n = A.shape[0]\n    for i in range(n):\n        s = 0.0\n        for j in range(n):\n            s += A[i, j] * y[j]\n        z[i] = s\n    s = 1.0\n    return s\n";
        assert!(run(temps, "two").is_ok());
        let stale = "import numpy as np\n\ndef two(A, y, z):\n    n = A.shape[0]\n    for i in range(n):\n        s = 0.0\n        for j in range(n):\n            s += A[i, j] * y[j]\n        z[i] = s\n    return s\n";
        assert!(run(stale, "two").is_err());
        let around = "import numpy as np\n\ndef around(a, b):\n    for i in range(2):\n        for i in range(len(a)):\n            b[i] = a[i] * 2.0\n        b[0] = i\n";
        assert!(run(around, "around").is_err());
        let inplace = "import numpy as np\n\ndef sq(A, C):\n    n = A.shape[0]\n    for i in range(n):\n        for j in range(n):\n            for k in range(n):\n                C[i, j] += C[i, k] * A[k, j]\n";
        assert!(run(inplace, "sq").is_err());
    }

    #[test]
    fn stencils_become_shifted_slices() {
        let src = "import numpy as np\n\ndef smooth(A, B):\n    n = A.shape[0]\n    for i in range(1, n - 1):\n        B[i] = 0.33333 * (A[i - 1] + A[i] + A[i + 1])\n";
        let out = run(src, "smooth").unwrap();
        assert!(out.contains("B[1:n - 1] = 0.33333 * ((A[:n - 2] + A[1:n - 1]) + A[2:n])"), "{out}");
    }

    #[test]
    fn shift_simplifies() {
        assert_eq!(shift("n - 1", 1), "n");
        assert_eq!(shift("n - 1", -1), "n - 2");
        assert_eq!(shift("1", -1), "0");
        assert_eq!(shift("len(a)", 2), "(len(a)) + 2");
    }
}

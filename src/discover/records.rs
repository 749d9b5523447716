//! A function that loops over a list of records (plain objects, dataclasses, `__slots__`
//! classes, namedtuples) as a plain function of their attributes' columns: the form the rules
//! compile, and the stub that builds the columns.
//!
//! ```python
//! def kinetic(particles):                 # particles: a list of objects with .m and .v
//!     e = 0.0
//!     for p in particles:
//!         e += 0.5 * p.m * p.v * p.v
//!     return e
//! ```
//! has the columns form `def _aiaccel_kinetic_cols(particles__m, particles__v): ...` with
//! `for _aiaccel_i0 in range(len(particles__m)): e += 0.5 * particles__m[_aiaccel_i0] * ...`,
//! which AX001 compiles like any function over lists. The function becomes a stub that reads
//! the columns once (`_aiaccel_columns`: a list or tuple of objects whose attributes are plain
//! data, no property, no descriptor, no `__getattr__`), and otherwise runs the original body,
//! kept as `_aiaccel_kinetic_records_py`.
//!
//! Reading every attribute before the loop instead of during it is the same only when nothing
//! changes them meanwhile, so a record parameter may be used in three ways: iterated by `for v
//! in ps` (with `v` used only as `v.NAME`, inside that loop), measured by `len(ps)`, and read as
//! `ps[i].NAME`. Assigning an attribute, passing a record on, or any other use of the list keeps
//! the function as it is.

use crate::pyast::{self, apply_edits, ast, dedent, Edit, Expr, Stmt};
use std::collections::{BTreeMap, BTreeSet};

/// `shaped` for `records_form` from discovery's parameters: an array, a number or text. (A
/// list shape does not count: discovery calls whatever a loop iterates a list.)
pub fn shaped_by(params: &[crate::discover::Param]) -> impl Fn(&str) -> bool + '_ {
    use crate::discover::ParamShape as S;
    move |n: &str| params.iter().any(|p| p.name == n && !matches!(p.shape, S::Unknown | S::FloatList | S::IntList | S::FloatMatrix | S::IntMatrix | S::FloatCube))
}

/// The reason a function with no record parameter at all has no columns form.
pub const NO_RECORDS: &str = "no parameter is a list of records it loops over";

/// The parts of a function's columns form.
#[derive(Debug, Clone)]
pub struct RecordsForm {
    /// `_aiaccel_kinetic_cols`.
    pub name: String,
    /// Per record parameter (in signature order): its attributes, in first-use order, with
    /// their column parameter names.
    pub records: Vec<(String, Vec<(String, String)>)>,
    /// The columns function's source, at column 0.
    pub text: String,
    /// The original under `_aiaccel_<f>_records_py`, at column 0.
    pub original: String,
    header: String,
    /// Each positional parameter: a record parameter's index into `records`, or the name passed on.
    positional: Vec<Result<usize, String>>,
    kwonly: Vec<String>,
}

impl RecordsForm {
    /// The function's new body: the columns form on the columns read once, or the original.
    pub fn stub(&self) -> String {
        let mut s = self.header.clone();
        for (k, (p, attrs)) in self.records.iter().enumerate() {
            let names: Vec<String> = attrs.iter().map(|(a, _)| format!("{a:?}")).collect();
            let tuple = if names.len() == 1 { format!("({},)", names[0]) } else { format!("({})", names.join(", ")) };
            s.push_str(&format!("    _aiaccel_c{k} = _aiaccel_columns({p}, {tuple})\n"));
        }
        let none: Vec<String> = (0..self.records.len()).map(|k| format!("_aiaccel_c{k} is None")).collect();
        let mut orig_args: Vec<String> = self.positional.iter().map(|p| match p {
            Ok(k) => self.records[*k].0.clone(),
            Err(n) => n.clone(),
        }).collect();
        let mut args: Vec<String> = self.positional.iter().map(|p| match p {
            Ok(k) => format!("*_aiaccel_c{k}"),
            Err(n) => n.clone(),
        }).collect();
        for k in &self.kwonly {
            orig_args.push(format!("{k}={k}"));
            args.push(format!("{k}={k}"));
        }
        let original = self.name.strip_suffix("_cols").unwrap_or(&self.name);
        s.push_str(&format!("    if {}:\n        return {original}_records_py({})\n", none.join(" or "), orig_args.join(", ")));
        s.push_str(&format!("    return {}({})\n", self.name, args.join(", ")));
        s
    }
}

/// The columns form of `def` (a module-level function or static method of `src`), or why it has
/// none. `shaped` names the parameters discovery already knows as lists, arrays or numbers
/// (`for row in A: ... row.size` iterates an array, not records).
pub fn records_form(src: &str, def: &ast::StmtFunctionDef, shaped: &dyn Fn(&str) -> bool) -> Result<RecordsForm, String> {
    let a = &def.args;
    if a.vararg.is_some() || a.kwarg.is_some() {
        return Err("a function with *args or **kwargs".into());
    }
    let positional: Vec<&ast::ArgWithDefault> = a.posonlyargs.iter().chain(a.args.iter()).collect();
    let params: BTreeSet<String> = positional.iter().copied().chain(a.kwonlyargs.iter()).map(|p| p.def.arg.to_string()).collect();
    for d in positional.iter().copied().chain(a.kwonlyargs.iter()).filter_map(|p| p.default.as_deref()) {
        let mut named = false;
        pyast::walk_expr(d, &mut |e| named |= matches!(e, Expr::Name(_) | Expr::Call(_) | Expr::Attribute(_) | Expr::Lambda(_)));
        if named {
            return Err(format!("a default that is not a literal (`{}`)", pyast::text(src, d)));
        }
    }
    let mut nested = false;
    pyast::walk_stmts(&def.body, &mut |s| nested |= matches!(s, Stmt::FunctionDef(_) | Stmt::AsyncFunctionDef(_) | Stmt::ClassDef(_)));
    if nested {
        return Err("a nested def or class".into());
    }
    // every Name, by id: how often it occurs, and how often stored
    let mut uses: BTreeMap<String, usize> = BTreeMap::new();
    let mut stores: BTreeMap<String, usize> = BTreeMap::new();
    pyast::walk_body_exprs(&def.body, &mut |e| {
        if let Expr::Name(n) = e {
            *uses.entry(n.id.to_string()).or_default() += 1;
            if !matches!(n.ctx, ast::ExprContext::Load) {
                *stores.entry(n.id.to_string()).or_default() += 1;
            }
        }
    });
    // the loops over parameters: (loop index, record parameter, loop variable, the loop's body)
    let mut loops: Vec<(usize, String, String, &ast::StmtFor)> = Vec::new();
    pyast::walk_stmts(&def.body, &mut |s| {
        if let Stmt::For(f) = s {
            if let (Expr::Name(v), Expr::Name(p)) = (f.target.as_ref(), f.iter.as_ref()) {
                if params.contains(p.id.as_str()) && !shaped(p.id.as_str()) && f.orelse.is_empty() {
                    loops.push((loops.len(), p.id.to_string(), v.id.to_string(), f));
                }
            }
        }
    });
    // the edits per candidate record parameter, and what disqualifies one
    let mut uses_of: BTreeMap<String, usize> = BTreeMap::new(); // record-like uses found per param
    let mut edits: Vec<(String, std::ops::Range<usize>, Use)> = Vec::new();
    let mut bad: BTreeMap<String, String> = BTreeMap::new();
    // `for v in ps:` headers and the `v.NAME` reads in their bodies
    for (k, p, v, f) in &loops {
        if params.contains(v) || stores.get(v).copied().unwrap_or(0) != loops.iter().filter(|l| &l.2 == v).count() {
            bad.entry(p.clone()).or_insert_with(|| format!("its loop variable `{v}` is bound elsewhere too"));
            continue;
        }
        edits.push((p.clone(), pyast::range(f.iter.as_ref()), Use::LoopRange));
        edits.push((p.clone(), pyast::range(f.target.as_ref()), Use::Index(*k)));
        *uses_of.entry(p.clone()).or_default() += 1; // the iterable
        let mut reads = 0usize;
        pyast::walk_body_exprs(&f.body, &mut |e| {
            if let Expr::Call(c) = e {
                if let Expr::Attribute(at) = c.func.as_ref() {
                    if pyast::name_of(&at.value) == Some(v.as_str()) {
                        bad.entry(p.clone()).or_insert_with(|| format!("it calls a method of its records, `{v}.{}()`", at.attr));
                    }
                }
            }
            if let Expr::Attribute(at) = e {
                if pyast::name_of(&at.value) == Some(v.as_str()) {
                    if !matches!(at.ctx, ast::ExprContext::Load) {
                        bad.entry(p.clone()).or_insert_with(|| format!("it assigns `{v}.{}`", at.attr));
                    } else if at.attr.starts_with("__") {
                        bad.entry(p.clone()).or_insert_with(|| format!("it reads `{v}.{}`", at.attr));
                    }
                    reads += 1;
                    edits.push((p.clone(), pyast::range(e), Use::Column { attr: at.attr.to_string(), index: Ok(*k) }));
                }
            }
        });
        // every other use of `v` (outside the loop, passed on, compared) disqualifies
        if uses.get(v).copied().unwrap_or(0) != reads + loops.iter().filter(|l| &l.2 == v).count() {
            bad.entry(p.clone()).or_insert_with(|| format!("its records (`{v}`) are used other than by reading attributes inside the loop"));
        }
    }
    // `len(ps)` and `ps[i].NAME`
    pyast::walk_body_exprs(&def.body, &mut |e| match e {
        Expr::Call(c) if pyast::name_of(&c.func) == Some("len") && c.args.len() == 1 && c.keywords.is_empty() => {
            if let Some(p) = pyast::name_of(&c.args[0]).filter(|p| params.contains(*p) && !shaped(p)) {
                *uses_of.entry(p.to_string()).or_default() += 1;
                edits.push((p.to_string(), pyast::range(&c.args[0]), Use::Len));
            }
        }
        Expr::Attribute(at) => {
            if let Expr::Subscript(sub) = at.value.as_ref() {
                if let Some(p) = pyast::name_of(&sub.value).filter(|p| params.contains(*p) && !shaped(p)) {
                    *uses_of.entry(p.to_string()).or_default() += 1;
                    if !matches!(at.ctx, ast::ExprContext::Load) {
                        bad.entry(p.to_string()).or_insert_with(|| format!("it assigns `{p}[...].{}`", at.attr));
                    } else if at.attr.starts_with("__") || matches!(sub.slice.as_ref(), Expr::Slice(_)) {
                        bad.entry(p.to_string()).or_insert_with(|| format!("it reads `{}`", pyast::text(src, e)));
                    }
                    edits.push((p.to_string(), pyast::range(e), Use::Column { attr: at.attr.to_string(), index: Err(pyast::text(src, sub.slice.as_ref()).to_string()) }));
                }
            }
        }
        _ => {}
    });
    // a record parameter: some attribute read, and no use of it but those
    let mut records: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let mut why_not: Vec<String> = Vec::new();
    for p in positional.iter().map(|p| p.def.arg.to_string()) {
        let Some(&n) = uses_of.get(&p) else { continue };
        if !edits.iter().any(|(q, _, e)| *q == p && matches!(e, Use::Column { .. })) {
            continue;
        }
        if let Some(b) = bad.get(&p) {
            why_not.push(format!("`{p}`: {b}"));
            continue;
        }
        if uses.get(&p).copied().unwrap_or(0) != n || stores.contains_key(&p) {
            why_not.push(format!("`{p}` is used other than by `for x in {p}`, `len({p})` and `{p}[i].NAME`"));
            continue;
        }
        let mut attrs: Vec<(String, String)> = Vec::new();
        for (_, _, e) in edits.iter().filter(|(q, _, _)| *q == p) {
            if let Use::Column { attr, .. } = e {
                if !attrs.iter().any(|(a, _)| a == attr) {
                    let mut col = format!("{p}__{attr}");
                    while uses.contains_key(&col) || params.contains(&col) {
                        col.push('_');
                    }
                    attrs.push((attr.clone(), col));
                }
            }
        }
        records.push((p, attrs));
    }
    if records.is_empty() {
        return Err(if why_not.is_empty() { NO_RECORDS.into() } else { why_not.join("; ") });
    }
    let super::method::DefText { whole, header_end, name_range } = super::method::def_text(src, def)?;
    let name = format!("_aiaccel_{}_cols", def.name);
    let rename = |to: String| Edit::new(name_range.clone(), to);
    let col_of = |p: &str, attr: &str| -> String { records.iter().find(|(q, _)| q == p).and_then(|(_, a)| a.iter().find(|(x, _)| x == attr)).map(|(_, c)| c.clone()).unwrap_or_default() };
    let first_col = |p: &str| -> String { records.iter().find(|(q, _)| q == p).map(|(_, a)| a[0].1.clone()).unwrap_or_default() };
    let mut plain = vec![rename(name.clone())];
    for arg in &positional {
        if let Some((_, attrs)) = records.iter().find(|(q, _)| q.as_str() == arg.def.arg.as_str()) {
            plain.push(Edit::new(pyast::range(&arg.def), attrs.iter().map(|(_, c)| c.as_str()).collect::<Vec<_>>().join(", ")));
        }
    }
    for (p, r, e) in &edits {
        if !records.iter().any(|(q, _)| q == p) {
            continue;
        }
        let text = match e {
            Use::LoopRange => format!("range(len({}))", first_col(p)),
            Use::Index(k) => format!("_aiaccel_i{k}"),
            Use::Len => first_col(p),
            Use::Column { attr, index: Ok(k) } => format!("{}[_aiaccel_i{k}]", col_of(p, attr)),
            Use::Column { attr, index: Err(i) } => format!("{}[{i}]", col_of(p, attr)),
        };
        plain.push(Edit::new(r.clone(), text));
    }
    let text = apply_edits(&src[whole.clone()], whole.start, &plain).map(|t| dedent(&t))?;
    let original = apply_edits(&src[whole.clone()], whole.start, &[rename(format!("_aiaccel_{}_records_py", def.name))]).map(|t| dedent(&t))?;
    let header = dedent(&src[whole.start..header_end]);
    let index = |n: &str| records.iter().position(|(q, _)| q == n);
    let positional = positional.iter().map(|p| index(p.def.arg.as_str()).ok_or_else(|| p.def.arg.to_string())).collect();
    let kwonly = a.kwonlyargs.iter().map(|p| p.def.arg.to_string()).collect();
    Ok(RecordsForm { name, records, text, original, header, positional, kwonly })
}

/// What one use of a record parameter becomes in the columns form.
#[derive(Debug)]
enum Use {
    /// `ps` in `for p in ps` -> `range(len(ps__x))`
    LoopRange,
    /// `p` in `for p in ps` -> `_aiaccel_i<k>`
    Index(usize),
    /// `ps` in `len(ps)` -> `ps__x`
    Len,
    /// `p.x` (inside loop k) or `ps[i].x` -> `ps__x[_aiaccel_i<k>]` / `ps__x[i]`
    Column { attr: String, index: Result<usize, String> },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(src: &str) -> Result<RecordsForm, String> {
        let suite = pyast::parse_module(src, "m.py").unwrap();
        let Stmt::FunctionDef(d) = &suite[0] else { panic!() };
        records_form(src, d, &|_| false)
    }

    #[test]
    fn a_loop_over_records_has_a_columns_form_and_a_stub() {
        let f = form("def pe(ps, g):\n    e = 0.0\n    for i in range(len(ps)):\n        for q in ps:\n            e += g * ps[i].m * q.m / (abs(ps[i].x - q.x) + 1.0)\n    return e\n").unwrap();
        assert_eq!(f.records, vec![("ps".to_string(), vec![("m".to_string(), "ps__m".to_string()), ("x".to_string(), "ps__x".to_string())])]);
        assert_eq!(
            f.text,
            "def _aiaccel_pe_cols(ps__m, ps__x, g):\n    e = 0.0\n    for i in range(len(ps__m)):\n        for _aiaccel_i0 in range(len(ps__m)):\n            e += g * ps__m[i] * ps__m[_aiaccel_i0] / (abs(ps__x[i] - ps__x[_aiaccel_i0]) + 1.0)\n    return e\n"
        );
        assert!(f.original.starts_with("def _aiaccel_pe_records_py(ps, g):\n"), "{}", f.original);
        assert_eq!(
            f.stub(),
            "def pe(ps, g):\n    _aiaccel_c0 = _aiaccel_columns(ps, (\"m\", \"x\"))\n    if _aiaccel_c0 is None:\n        return _aiaccel_pe_records_py(ps, g)\n    return _aiaccel_pe_cols(*_aiaccel_c0, g)\n"
        );
    }

    #[test]
    fn other_uses_of_the_records_have_no_columns_form() {
        for (body, why) in [
            ("for p in ps:\n        p.x = p.x + 1.0", "assigns `p.x`"),
            ("s = 0.0\n    for p in ps:\n        s += p.m * weight(p)\n    return s", "other than by reading"),
            ("s = 0.0\n    for p in ps:\n        s += p.norm()\n    return s", "calls a method of its records"),
            ("s = 0.0\n    for p in ps:\n        s += p.x\n    return s, p", "other than by reading"),
            ("s = 0.0\n    for p in ps:\n        s += p.x\n    ps.append(s)\n    return s", "used other than"),
            ("s = 0.0\n    for x in ps:\n        s += x\n    return s", "no parameter is a list of records"),
        ] {
            let e = form(&format!("def f(ps):\n    {body}\n")).unwrap_err();
            assert!(e.contains(why), "{body}: {e}");
        }
    }
}

//! A method as a plain function of the attributes it reads: the form the rules compile, and the
//! stub that calls it from the class.
//!
//! ```python
//! class Grid:
//!     def total(self, w):                    # self only read as self.cells, self.n
//!         s = 0.0
//!         for i in range(self.n):
//!             for v in self.cells[i]:
//!                 s += w * v
//!         return s
//! ```
//! has the plain form `def _aiaccel_Grid_total(cells, n, w): ...` (the same body, `self.cells`
//! read as `cells`), which AX001 compiles like any function. The method becomes a stub that reads
//! the attributes once, when they are plain data on the instance (`_aiaccel_fields`: no
//! property, no descriptor, no `__getattribute__` of the class's own), and otherwise runs the
//! original body, kept at module level as `_aiaccel_Grid_total_self_py(self, w)`.
//!
//! Reading an attribute once instead of at each use is the same only when nothing rebinds it
//! while the method runs, so the method may use `self` in one way: reading `self.NAME`, and
//! writing into what that holds (`self.cells[i][j] = v`). Any other use of `self` (assigning
//! `self.NAME`, calling `self.m()`, passing `self` on, `super()`, a `__private` name, which
//! Python mangles in the class and not at module level) keeps the method as it is, with the
//! reason.

use crate::pyast::{self, apply_edits, ast, dedent, Edit, Expr, Stmt};
use std::collections::BTreeSet;

/// The parts of a method's plain form.
#[derive(Debug, Clone)]
pub struct PlainForm {
    /// `_aiaccel_Grid_total`: the plain function's name.
    pub name: String,
    /// The attributes read, in first-use order, with their parameter names in `text`.
    pub attrs: Vec<(String, String)>,
    /// The plain function's source, at column 0.
    pub text: String,
    /// The original method's source under the module-level name `<name>_self_py`, at column 0.
    pub original: String,
    /// The method's own header (decorators none, `def total(self, w):`), at column 0.
    pub header: String,
    /// `self`'s name, and the arguments the stub passes on (`w`, `k=k`).
    pub self_name: String,
    pub pass_on: Vec<String>,
}

impl PlainForm {
    /// The method's new body: the plain function on the attributes read once, or the original.
    pub fn stub(&self) -> String {
        let names: Vec<String> = self.attrs.iter().map(|(a, _)| format!("{a:?}")).collect();
        let tuple = if names.len() == 1 { format!("({},)", names[0]) } else { format!("({})", names.join(", ")) };
        let rest: String = self.pass_on.iter().map(|a| format!(", {a}")).collect();
        format!(
            "{}    _aiaccel_s = _aiaccel_fields({s}, {tuple})\n    if _aiaccel_s is None:\n        return {name}_self_py({s}{rest})\n    return {name}(*_aiaccel_s{rest})\n",
            self.header,
            s = self.self_name,
            name = self.name,
        )
    }
}

/// Where a def's text lies in its module: whole lines (`whole`), the header up to the body's
/// first line (`..header_end`), and the name after `def` (`name_range`).
pub(crate) struct DefText {
    pub whole: std::ops::Range<usize>,
    pub header_end: usize,
    pub name_range: std::ops::Range<usize>,
}

/// `DefText` of `def`; a def whose body starts on its own line only.
pub(crate) fn def_text(src: &str, def: &ast::StmtFunctionDef) -> Result<DefText, String> {
    let def_range = pyast::range(def);
    let stmt_start = def_range.start;
    let body_start = pyast::range(&def.body[0]).start;
    if pyast::line_of(src, body_start) == pyast::line_of(src, stmt_start) {
        return Err("a one-line def".into());
    }
    let header_end = pyast::line_start(src, body_start);
    let name_at = src[stmt_start..header_end].find(&format!("def {}", def.name)).map(|i| stmt_start + i + 4).ok_or("no `def` line")?;
    Ok(DefText { whole: pyast::line_start(src, stmt_start)..def_range.end, header_end, name_range: name_at..name_at + def.name.len() })
}

/// Why the method `f` of the module `src` has no plain form (so no instances the verifier
/// could build from its attributes' shapes).
pub fn why_no_instances(src: &str, f: &crate::discover::Function) -> String {
    let Ok(module) = pyast::parse_module(src, &f.path) else { return "its module does not parse".into() };
    let Some(def) = crate::discover::find_def(&module, f) else { return "it is no longer in its module".into() };
    let class = f.qualname.rsplit_once('.').map(|(c, _)| c.replace('.', "_")).unwrap_or_default();
    match plain_form(src, def, &class) {
        Err(why) => why,
        Ok(_) => "the shapes of its attributes are unknown".into(),
    }
}

/// The plain form of `def` (a method of `class` in `src`), or why it has none.
pub fn plain_form(src: &str, def: &ast::StmtFunctionDef, class: &str) -> Result<PlainForm, String> {
    if !def.decorator_list.is_empty() {
        return Err("a decorated method".into());
    }
    let a = &def.args;
    if a.vararg.is_some() || a.kwarg.is_some() {
        return Err("a method with *args or **kwargs".into());
    }
    let positional: Vec<&ast::ArgWithDefault> = a.posonlyargs.iter().chain(a.args.iter()).collect();
    // the defaults are written again at module level (the plain form and the kept original),
    // where a name from the class body would not resolve: literals only
    for d in positional.iter().copied().chain(a.kwonlyargs.iter()).filter_map(|p| p.default.as_deref()) {
        let mut named = false;
        pyast::walk_expr(d, &mut |e| named |= matches!(e, Expr::Name(_) | Expr::Call(_) | Expr::Attribute(_) | Expr::Lambda(_)));
        if named {
            return Err(format!("a default that is not a literal (`{}`)", pyast::text(src, d)));
        }
    }
    let Some(first) = positional.first() else { return Err("a method without `self`".into()) };
    let me = first.def.arg.to_string();
    let mut nested = false;
    pyast::walk_stmts(&def.body, &mut |s| nested |= matches!(s, Stmt::FunctionDef(_) | Stmt::AsyncFunctionDef(_) | Stmt::ClassDef(_)));
    if nested {
        return Err("a method with a nested def or class".into());
    }
    let mut names_used: BTreeSet<String> = positional.iter().copied().chain(a.kwonlyargs.iter()).map(|p| p.def.arg.to_string()).collect();
    let mut self_names = 0usize;
    let mut reads: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut problem: Option<String> = None;
    pyast::walk_body_exprs(&def.body, &mut |e| match e {
        Expr::Name(n) => {
            names_used.insert(n.id.to_string());
            if n.id.as_str() == me {
                self_names += 1;
            } else if n.id.as_str() == "super" {
                problem.get_or_insert_with(|| "calls `super()`".into());
            } else if n.id.starts_with("__") && !n.id.ends_with("__") {
                // Python mangles `__x` in a class body to `_Class__x`, at module level not
                problem.get_or_insert_with(|| format!("uses the private name `{}`", n.id));
            }
        }
        Expr::Lambda(_) => {
            problem.get_or_insert_with(|| "has a lambda".into());
        }
        Expr::Call(c) => {
            if let Expr::Attribute(at) = c.func.as_ref() {
                if pyast::name_of(&at.value) == Some(me.as_str()) {
                    problem.get_or_insert_with(|| format!("calls a method, `{me}.{}()`", at.attr));
                }
            }
        }
        Expr::Attribute(at) if pyast::name_of(&at.value) == Some(me.as_str()) => {
            let attr = at.attr.as_str();
            if !matches!(at.ctx, ast::ExprContext::Load) {
                problem.get_or_insert_with(|| format!("assigns `{me}.{attr}`"));
            } else if attr.starts_with("__") {
                problem.get_or_insert_with(|| format!("reads `{me}.{attr}` (a private or special name)"));
            } else {
                reads.push((pyast::range(e), attr.to_string()));
            }
        }
        _ => {}
    });
    if let Some(p) = problem {
        return Err(format!("the method {p}; only reading `{me}.NAME` (and writing into what it holds) is compiled"));
    }
    if reads.is_empty() {
        return Err(format!("the method reads no attribute of `{me}`"));
    }
    if self_names != reads.len() {
        return Err(format!("the method uses `{me}` other than to read its attributes (passes it on, compares it, ...)"));
    }
    // parameter names for the attributes: the attribute's own name where the body does not use it
    let mut attrs: Vec<(String, String)> = Vec::new();
    for (_, attr) in &reads {
        if attrs.iter().any(|(a, _)| a == attr) {
            continue;
        }
        let mut p = attr.clone();
        while names_used.contains(&p) || attrs.iter().any(|(_, q)| *q == p) {
            p = format!("{me}_{p}");
        }
        names_used.insert(p.clone());
        attrs.push((attr.clone(), p));
    }
    let DefText { whole, header_end, name_range } = def_text(src, def)?;
    let name = format!("_aiaccel_{class}_{}", def.name);
    let rename = Edit::new(name_range, name.clone());
    // the plain form: `self` gives way to the attributes, each `self.NAME` to its parameter
    let mut edits = vec![rename.clone(), Edit::new(pyast::range(&first.def), attrs.iter().map(|(_, p)| p.as_str()).collect::<Vec<_>>().join(", "))];
    for (r, attr) in &reads {
        let p = &attrs.iter().find(|(a, _)| a == attr).unwrap().1;
        edits.push(Edit::new(r.clone(), p.clone()));
    }
    let local = |edits: &[Edit]| -> Result<String, String> { apply_edits(&src[whole.clone()], whole.start, edits).map(|t| dedent(&t)) };
    let text = local(&edits)?;
    let original = local(&[Edit::new(rename.range.clone(), format!("{name}_self_py"))])?;
    let header = dedent(&src[whole.start..header_end]);
    let mut pass_on: Vec<String> = positional[1..].iter().map(|p| p.def.arg.to_string()).collect();
    pass_on.extend(a.kwonlyargs.iter().map(|p| format!("{0}={0}", p.def.arg)));
    Ok(PlainForm { name, attrs, text, original, header, self_name: me, pass_on })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(src: &str) -> Result<PlainForm, String> {
        let suite = pyast::parse_module(src, "m.py").unwrap();
        let Stmt::ClassDef(c) = &suite[0] else { panic!() };
        let Stmt::FunctionDef(d) = &c.body[0] else { panic!() };
        plain_form(src, d, c.name.as_str())
    }

    #[test]
    fn a_method_reading_attributes_has_a_plain_form_and_a_stub() {
        let src = "class Grid:\n    def total(self, w, *, k=2):\n        s = 0.0\n        for i in range(self.n):\n            for v in self.cells[i]:\n                s += w * v * k\n        self.cells[0][0] = s\n        return s\n";
        let f = form(src).unwrap();
        assert_eq!(f.attrs, vec![("n".to_string(), "n".to_string()), ("cells".to_string(), "cells".to_string())]);
        assert!(f.text.starts_with("def _aiaccel_Grid_total(n, cells, w, *, k=2):\n    s = 0.0\n    for i in range(n):\n        for v in cells[i]:"), "{}", f.text);
        assert!(f.text.contains("    cells[0][0] = s\n"), "{}", f.text);
        assert!(f.original.starts_with("def _aiaccel_Grid_total_self_py(self, w, *, k=2):\n    s = 0.0\n    for i in range(self.n):"), "{}", f.original);
        assert_eq!(
            f.stub(),
            "def total(self, w, *, k=2):\n    _aiaccel_s = _aiaccel_fields(self, (\"n\", \"cells\"))\n    if _aiaccel_s is None:\n        return _aiaccel_Grid_total_self_py(self, w, k=k)\n    return _aiaccel_Grid_total(*_aiaccel_s, w, k=k)\n"
        );
    }

    #[test]
    fn an_attribute_named_like_a_local_gets_another_parameter_name() {
        let f = form("class A:\n    def f(self):\n        n = 0\n        for x in self.n:\n            n += x\n        return n\n").unwrap();
        assert_eq!(f.attrs, vec![("n".to_string(), "self_n".to_string())]);
        assert!(f.text.contains("for x in self_n:"), "{}", f.text);
    }

    #[test]
    fn other_uses_of_self_have_no_plain_form() {
        for (body, why) in [
            ("self.total = 0.0\n        for x in self.xs:\n            self.total += x", "assigns `self.total`"),
            ("s = 0.0\n        for x in self.xs:\n            s += self.weight(x)\n        return s", "calls a method"),
            ("s = 0.0\n        for x in self.xs:\n            s += helper(self, x)\n        return s", "other than to read"),
            ("s = 0.0\n        for x in self.__xs:\n            s += x\n        return s", "private or special"),
            ("s = super().base()\n        for x in self.xs:\n            s += x\n        return s", "super()"),
            ("s = 0.0\n        for x in [1.0]:\n            s += x\n        return s", "reads no attribute"),
        ] {
            let src = format!("class A:\n    def f(self):\n        {body}\n");
            let e = form(&src).unwrap_err();
            assert!(e.contains(why), "{body}: {e}");
        }
        assert!(form("class A:\n    @staticmethod\n    def f(xs):\n        return xs\n").unwrap_err().contains("decorated"));
        assert!(form("class A:\n    def f(self, *a):\n        return self.x\n").unwrap_err().contains("*args"));
        let e = form("class A:\n    def f(self, k=K):\n        for x in self.xs:\n            k += x\n        return k\n").unwrap_err();
        assert!(e.contains("not a literal (`K`)"), "{e}");
        assert!(form("class A:\n    def f(self, k=-1.5, s=None):\n        for x in self.xs:\n            k += x\n        return k\n").is_ok());
    }
}

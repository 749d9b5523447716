//! Edits and diffs: splice a candidate's source into a module in place of the original function,
//! and render unified diffs.
//!
//! A splice is one edit over the function's byte range (decorators included). The result is
//! re-parsed before it goes anywhere: a rewrite that does not parse is rejected here, never
//! written, verified or committed.

use crate::discover::{Function, FunctionKind};
use crate::pyast::{self, ast, Stmt};
use similar::{ChangeTag, TextDiff};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpliceError {
    #[error("the candidate does not parse: {0}")]
    Syntax(String),
    #[error("the candidate does not define `{0}` at top level")]
    Missing(String),
    #[error("the candidate changes the signature of `{name}`: ({original}) became ({candidate})")]
    Signature { name: String, original: String, candidate: String },
    #[error("the spliced module does not parse: {0}")]
    Result(String),
}

// the text primitives live with the parser (`pyast`), below discovery, which uses them too
pub use crate::pyast::{apply_edits, dedent, Edit};

fn indent_lines(text: &str, indent: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for l in text.lines() {
        if !l.trim().is_empty() {
            out.push_str(indent);
        }
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// Parameter names of a def, in order, as `a, b=..., *args, k, **kw`-free names list.
pub fn param_names(def: &ast::StmtFunctionDef) -> Vec<String> {
    let a = &def.args;
    let mut v: Vec<String> = a.posonlyargs.iter().chain(a.args.iter()).map(|p| p.def.arg.to_string()).collect();
    if let Some(va) = &a.vararg {
        v.push(format!("*{}", va.arg));
    }
    v.extend(a.kwonlyargs.iter().map(|p| p.def.arg.to_string()));
    if let Some(kw) = &a.kwarg {
        v.push(format!("**{}", kw.arg));
    }
    v
}

/// Splice `candidate` (new def of the function + helpers) into `module_src` in place of `f`.
pub fn splice(module_src: &str, f: &Function, candidate: &str) -> Result<String, SpliceError> {
    let cand = dedent(candidate);
    let suite = pyast::parse_module(&cand, "<candidate>").map_err(SpliceError::Syntax)?;
    let def_stmt = suite
        .iter()
        .find(|s| matches!(s, Stmt::FunctionDef(d) if d.name.as_str() == f.name))
        .ok_or_else(|| SpliceError::Missing(f.name.clone()))?;
    let Stmt::FunctionDef(def) = def_stmt else { unreachable!() };

    let module = pyast::parse_module(module_src, &f.path).map_err(SpliceError::Result)?;
    let original = find_def(&module, f).ok_or_else(|| SpliceError::Result(format!("`{}` is no longer in the module", f.qualname)))?;
    let (orig_names, cand_names) = (param_names(original), param_names(def));
    if orig_names != cand_names {
        return Err(SpliceError::Signature { name: f.name.clone(), original: orig_names.join(", "), candidate: cand_names.join(", ") });
    }

    let new_text = match f.kind {
        FunctionKind::Plain => {
            let mut t = cand.trim_end().to_string();
            t.push('\n');
            format!("{}{}{}", &module_src[..f.range.start], t, &module_src[f.range.end..])
        }
        _ => {
            // The def goes in the class, reindented; everything else at module level before the class.
            let def_range = pyast::def_lines(&cand, def_stmt);
            let mut def_text = cand[def_range.clone()].to_string();
            let needs = match f.kind {
                FunctionKind::StaticMethod => Some("staticmethod"),
                FunctionKind::ClassMethod => Some("classmethod"),
                _ => None,
            };
            if let Some(dec) = needs {
                if !def.decorator_list.iter().any(|d| pyast::dotted(d).as_deref() == Some(dec)) {
                    def_text = format!("@{dec}\n{def_text}");
                }
            }
            let prelude = format!("{}{}", &cand[..def_range.start], &cand[def_range.end..]);
            let class_start = module
                .iter()
                .find(|s| matches!(s, Stmt::ClassDef(_)) && pyast::range(*s).contains(&f.range.start))
                .map(|s| pyast::def_lines(module_src, s).start)
                .unwrap_or(f.range.start);
            let mut out = String::with_capacity(module_src.len() + cand.len());
            out.push_str(&module_src[..class_start]);
            if !prelude.trim().is_empty() {
                out.push_str(prelude.trim_end());
                out.push_str("\n\n\n");
            }
            out.push_str(&module_src[class_start..f.range.start]);
            out.push_str(&indent_lines(&def_text, &f.indent));
            out.push_str(&module_src[f.range.end..]);
            out
        }
    };
    pyast::parse_module(&new_text, &f.path).map_err(SpliceError::Result)?;
    Ok(new_text)
}

pub use crate::discover::find_def;

/// A unified diff of one file; the same value prints to the terminal, the commit body and tests.
pub struct Diff<'a> {
    pub path: &'a str,
    pub old: &'a str,
    pub new: &'a str,
}

impl Diff<'_> {
    /// (insertions, deletions) in lines.
    pub fn stats(&self) -> (usize, usize) {
        let d = TextDiff::from_lines(self.old, self.new);
        let mut ins = 0;
        let mut del = 0;
        for c in d.iter_all_changes() {
            match c.tag() {
                ChangeTag::Insert => ins += 1,
                ChangeTag::Delete => del += 1,
                ChangeTag::Equal => {}
            }
        }
        (ins, del)
    }

    /// The unified diff with ANSI colours (additions green, deletions red, hunk headers cyan),
    /// for a terminal.
    pub fn colored(&self) -> String {
        let mut out = String::new();
        for line in self.to_string().split_inclusive('\n') {
            let colour = if line.starts_with("+++") || line.starts_with("---") {
                "1"
            } else if line.starts_with('+') {
                "32"
            } else if line.starts_with('-') {
                "31"
            } else if line.starts_with("@@") {
                "36"
            } else {
                ""
            };
            if colour.is_empty() {
                out.push_str(line);
            } else {
                out.push_str(&format!("\x1b[{colour}m{}\x1b[0m{}", line.trim_end_matches('\n'), if line.ends_with('\n') { "\n" } else { "" }));
            }
        }
        out
    }
}

impl fmt::Display for Diff<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = TextDiff::from_lines(self.old, self.new);
        write!(
            f,
            "{}",
            d.unified_diff().context_radius(3).header(&format!("a/{}", self.path), &format!("b/{}", self.path))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{apply_edits, Edit};

    #[test]
    fn edits_compose_insertions_around_replacements_and_refuse_overlaps() {
        // offsets are module offsets: the text starts at 10
        let text = "x = a / b";
        let e = |r: std::ops::Range<usize>, t: &str| Edit::new(r.start + 10..r.end + 10, t);
        let out = apply_edits(text, 10, &[e(9..9, ")"), e(5..7, ","), e(4..4, "f("), e(4..5, "aa")]).unwrap();
        assert_eq!(out, "x = f(aa, b)");
        // nested insertions at one place: `(a / b) / c` -> f(f(a, b), c)
        let out = apply_edits("a/b/c", 0, &[Edit::new(0..0, "f("), Edit::new(0..0, "f("), Edit::new(1..2, ", "), Edit::new(3..3, ")"), Edit::new(3..4, ", "), Edit::new(5..5, ")")]).unwrap();
        assert_eq!(out, "f(f(a, b), c)");
        let err = apply_edits(text, 10, &[e(0..5, "y"), e(4..9, "z")]).unwrap_err();
        assert!(err.contains("overlap"), "{err}");
        assert!(apply_edits(text, 10, &[Edit::new(0..2, "q")]).unwrap_err().contains("outside"));
    }
}

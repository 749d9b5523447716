//! From a model's reply to candidate source: the first ```python block, parsed and checked.
//!
//! A reply is rejected (with a reason, which is an outcome, not an error) when it has no code
//! block, does not parse, lacks the function, changes its parameter list, or imports a module
//! outside the allow-list. Module-level statements that would run at import time and are not
//! definitions (example calls, `print`, `if __name__ == "__main__":`) are dropped, because the
//! candidate is spliced into the user's module:
//!
//! ```python
//! def mean(xs): ...
//! print(mean([1, 2, 3]))   # a model's "example usage": would print on every import
//! ```
//!
//! This module never executes anything; it only reads text.

use rustpython_parser::ast::{self, Ranged, Stmt};
use rustpython_parser::{parse, Mode};

/// Modules a candidate may import (a submodule of one is fine: `numpy.linalg`).
pub const ALLOWED_IMPORTS: &[&str] = &[
    "numpy",
    "numba",
    "cupy",
    "math",
    "cmath",
    "functools",
    "itertools",
    "operator",
    "collections",
    "concurrent.futures",
    "multiprocessing",
    "typing",
    "bisect",
    "heapq",
];

/// A candidate that passed extraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The code block, minus dropped top-level statements; parses.
    pub source: String,
    /// Top-level statements that were removed, as their first lines (for the report).
    pub dropped: Vec<String>,
}

/// Does `text` contain an opening ```python fence and a closing fence after it?
/// Used to stop generation early.
pub fn has_complete_code_block(text: &str) -> bool {
    first_code_block(text).is_some_and(|b| b.closed)
}

struct Block<'a> {
    code: &'a str,
    closed: bool,
}

/// The first fenced block tagged python/py (or untagged when no tagged block exists).
fn first_code_block(text: &str) -> Option<Block<'_>> {
    let mut untagged = None;
    let mut offset = 0;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        if let Some(tag) = trimmed.strip_prefix("```") {
            let tag = tag.trim().to_ascii_lowercase();
            let start = offset + line.len();
            // Find the closing fence.
            let mut end = None;
            let mut off2 = start;
            let mut j = i + 1;
            while j < lines.len() {
                if lines[j].trim() == "```" {
                    end = Some((off2, j));
                    break;
                }
                off2 += lines[j].len();
                j += 1;
            }
            let (code, closed, next_i) = match end {
                Some((e, j)) => (&text[start..e], true, j + 1),
                None => (&text[start.min(text.len())..], false, lines.len()),
            };
            if tag == "python" || tag == "py" || tag == "python3" {
                return Some(Block { code, closed });
            }
            if tag.is_empty() && untagged.is_none() {
                untagged = Some(Block { code, closed });
            }
            for l in &lines[i..next_i.min(lines.len())] {
                offset += l.len();
            }
            i = next_i;
            continue;
        }
        offset += line.len();
        i += 1;
    }
    untagged
}

/// The parameter list of a `def`, reduced to what callers can observe: kinds, names, and which
/// ones have defaults. Annotations and default values may change (a model adds type hints).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub params: Vec<(ParamKind, String, bool)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    PositionalOnly,
    Positional,
    VarArgs,
    KeywordOnly,
    VarKeywords,
}

impl Signature {
    fn of(args: &ast::Arguments) -> Signature {
        let mut params = Vec::new();
        for a in &args.posonlyargs {
            params.push((ParamKind::PositionalOnly, a.def.arg.to_string(), a.default.is_some()));
        }
        for a in &args.args {
            params.push((ParamKind::Positional, a.def.arg.to_string(), a.default.is_some()));
        }
        if let Some(a) = &args.vararg {
            params.push((ParamKind::VarArgs, a.arg.to_string(), false));
        }
        for a in &args.kwonlyargs {
            params.push((ParamKind::KeywordOnly, a.def.arg.to_string(), a.default.is_some()));
        }
        if let Some(a) = &args.kwarg {
            params.push((ParamKind::VarKeywords, a.arg.to_string(), false));
        }
        Signature { params }
    }

    /// `(xs, w=..., *, axis=...)`, for messages.
    pub fn render(&self) -> String {
        let mut parts = Vec::new();
        let mut star_written = false;
        let mut slash_pending = false;
        for (kind, name, default) in &self.params {
            if slash_pending && *kind != ParamKind::PositionalOnly {
                parts.push("/".to_string());
                slash_pending = false;
            }
            let d = if *default { "=..." } else { "" };
            match kind {
                ParamKind::PositionalOnly => {
                    parts.push(format!("{name}{d}"));
                    slash_pending = true;
                }
                ParamKind::Positional => parts.push(format!("{name}{d}")),
                ParamKind::VarArgs => {
                    parts.push(format!("*{name}"));
                    star_written = true;
                }
                ParamKind::KeywordOnly => {
                    if !star_written {
                        parts.push("*".into());
                        star_written = true;
                    }
                    parts.push(format!("{name}{d}"));
                }
                ParamKind::VarKeywords => parts.push(format!("**{name}")),
            }
        }
        if slash_pending {
            parts.push("/".into());
        }
        format!("({})", parts.join(", "))
    }
}

fn parse_suite(text: &str, path: &str) -> Result<Vec<Stmt>, String> {
    match parse(text, Mode::Module, path) {
        Ok(ast::Mod::Module(m)) => Ok(m.body),
        Ok(_) => Err("not a module".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// The signature of function `name` defined at the top level of `source` (dedented first).
pub fn signature_of(source: &str, name: &str) -> Option<Signature> {
    let body = parse_suite(&crate::edit::dedent(source), "<original>").ok()?;
    body.iter().find_map(|s| match s {
        Stmt::FunctionDef(f) if f.name.as_str() == name => Some(Signature::of(&f.args)),
        Stmt::AsyncFunctionDef(f) if f.name.as_str() == name => Some(Signature::of(&f.args)),
        _ => None,
    })
}

/// Check a model reply and return the candidate source, or why it was rejected. `cupy`: the
/// strategy is CuPy (elsewhere a cupy import is refused: the rewrite must run without a GPU).
pub fn extract(reply: &str, name: &str, original: &Signature, cupy: bool) -> Result<Extracted, String> {
    extract_defining(reply, name, &[], cupy, |sig| {
        if sig != original {
            return Err(format!("`{name}` changed its parameter list from {} to {}", original.render(), sig.render()));
        }
        Ok(())
    })
}

/// Kernel mode: the block must define `kernel` with `arity` positional parameters (names are the
/// model's own: aiaccel calls it positionally). Definitions named in `written_by_aiaccel` (the
/// public function, its fallback copy) are dropped if the model wrote them anyway.
pub fn extract_kernel(reply: &str, kernel: &str, arity: usize, written_by_aiaccel: &[&str], cupy: bool) -> Result<Extracted, String> {
    extract_defining(reply, kernel, written_by_aiaccel, cupy, |sig| {
        let plain = sig.params.iter().all(|(k, _, _)| matches!(k, ParamKind::Positional | ParamKind::PositionalOnly));
        let required = sig.params.iter().filter(|(_, _, default)| !default).count();
        if !plain || required > arity || sig.params.len() < arity {
            return Err(format!("`{kernel}` must take exactly {arity} positional parameters, one per parameter of the original, in order; it takes {}", sig.render()));
        }
        Ok(())
    })
}

fn extract_defining(
    reply: &str,
    name: &str,
    drop_defs: &[&str],
    cupy: bool,
    check: impl Fn(&Signature) -> Result<(), String>,
) -> Result<Extracted, String> {
    let block = first_code_block(reply).ok_or("the reply has no ```python code block")?;
    let code = block.code;
    let body = parse_suite(code, "<candidate>")
        .map_err(|e| format!("the code block does not parse: {e}"))?;

    let def = body.iter().find_map(|s| match s {
        Stmt::FunctionDef(f) if f.name.as_str() == name => Some(Signature::of(&f.args)),
        Stmt::AsyncFunctionDef(f) if f.name.as_str() == name => Some(Signature::of(&f.args)),
        _ => None,
    });
    let sig = def.ok_or_else(|| format!("the code block does not define `{name}` at top level"))?;
    check(&sig)?;
    let allow = allowed_imports(cupy);
    let mut bad = Vec::new();
    walk_imports(&body, &allow, &mut bad);
    if !bad.is_empty() {
        return Err(format!("imports outside the allow-list: {} (allowed: {})", bad.join(", "), allow.join(", ")));
    }

    // Keep definitions, imports and constant assignments; drop what would run at import time.
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    for s in &body {
        let (start, end) = stmt_span(code, s);
        let text = &code[start..end];
        let keep = match s {
            Stmt::Import(_)
            | Stmt::ImportFrom(_)
            | Stmt::ClassDef(_) => true,
            Stmt::FunctionDef(f) => !drop_defs.contains(&f.name.as_str()),
            Stmt::AsyncFunctionDef(f) => !drop_defs.contains(&f.name.as_str()),
            Stmt::Assign(_) | Stmt::AnnAssign(_) => !calls_name(text, name),
            _ => false,
        };
        if keep {
            kept.push(text.trim_end().to_string());
        } else {
            dropped.push(text.lines().next().unwrap_or("").trim().to_string());
        }
    }
    let source = kept.join("\n\n") + "\n";
    // Re-parse what we hand on: slicing must never produce broken code.
    parse_suite(&source, "<candidate>")
        .map_err(|e| format!("internal: the cleaned candidate does not parse: {e}"))?;
    Ok(Extracted { source, dropped })
}

/// Byte span of a top-level statement: from the start of its first line (decorators included) to
/// the end of its last line.
fn stmt_span(code: &str, s: &Stmt) -> (usize, usize) {
    let mut start = s.range().start().to_usize();
    let decorators = match s {
        Stmt::FunctionDef(f) => &f.decorator_list[..],
        Stmt::AsyncFunctionDef(f) => &f.decorator_list[..],
        Stmt::ClassDef(c) => &c.decorator_list[..],
        _ => &[],
    };
    for d in decorators {
        start = start.min(d.range().start().to_usize());
    }
    let line_start = code[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let end = s.range().end().to_usize();
    let line_end = code[end..].find('\n').map(|i| end + i + 1).unwrap_or(code.len());
    (line_start, line_end)
}

/// Whether `text` contains a call `name(`: `result = f(xs)` at module level runs the function.
fn calls_name(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        let before_ok = text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '.'));
        let after = text[i + name.len()..].trim_start();
        before_ok && after.starts_with('(')
    })
}

/// The allow-list for a strategy: cupy only for the CuPy strategy.
pub fn allowed_imports(cupy: bool) -> Vec<&'static str> {
    ALLOWED_IMPORTS.iter().copied().filter(|m| cupy || *m != "cupy").collect()
}

fn allowed(module: &str, allow: &[&str]) -> bool {
    allow
        .iter()
        .any(|a| module == *a || module.strip_prefix(a).is_some_and(|rest| rest.starts_with('.')))
}

/// Collect disallowed imports anywhere in the code (imports inside functions count too).
fn walk_imports(body: &[Stmt], allow: &[&str], bad: &mut Vec<String>) {
    for s in body {
        match s {
            Stmt::Import(i) => {
                for a in &i.names {
                    if !allowed(a.name.as_str(), allow) {
                        bad.push(a.name.to_string());
                    }
                }
            }
            Stmt::ImportFrom(i) => {
                let level = i.level.map(|l| l.to_u32()).unwrap_or(0);
                let module = i.module.as_ref().map(|m| m.to_string()).unwrap_or_default();
                if level > 0 {
                    // Relative imports reach into the user's package: not from a candidate.
                    let dots = ".".repeat(level as usize);
                    if module.is_empty() {
                        bad.extend(i.names.iter().map(|a| format!("{dots}{}", a.name)));
                    } else {
                        bad.push(format!("{dots}{module}"));
                    }
                } else if !allowed(&module, allow) {
                    // `from concurrent import futures` names an allowed module through its parent.
                    for a in &i.names {
                        let full = format!("{module}.{}", a.name);
                        if !allowed(&full, allow) {
                            bad.push(full);
                        }
                    }
                }
            }
            Stmt::FunctionDef(f) => walk_imports(&f.body, allow, bad),
            Stmt::AsyncFunctionDef(f) => walk_imports(&f.body, allow, bad),
            Stmt::ClassDef(c) => walk_imports(&c.body, allow, bad),
            Stmt::For(x) => {
                walk_imports(&x.body, allow, bad);
                walk_imports(&x.orelse, allow, bad);
            }
            Stmt::AsyncFor(x) => {
                walk_imports(&x.body, allow, bad);
                walk_imports(&x.orelse, allow, bad);
            }
            Stmt::While(x) => {
                walk_imports(&x.body, allow, bad);
                walk_imports(&x.orelse, allow, bad);
            }
            Stmt::If(x) => {
                walk_imports(&x.body, allow, bad);
                walk_imports(&x.orelse, allow, bad);
            }
            Stmt::With(x) => walk_imports(&x.body, allow, bad),
            Stmt::AsyncWith(x) => walk_imports(&x.body, allow, bad),
            Stmt::Try(x) => {
                walk_imports(&x.body, allow, bad);
                for h in &x.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    walk_imports(&h.body, allow, bad);
                }
                walk_imports(&x.orelse, allow, bad);
                walk_imports(&x.finalbody, allow, bad);
            }
            Stmt::TryStar(x) => {
                walk_imports(&x.body, allow, bad);
                for h in &x.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    walk_imports(&h.body, allow, bad);
                }
                walk_imports(&x.orelse, allow, bad);
                walk_imports(&x.finalbody, allow, bad);
            }
            Stmt::Match(m) => {
                for c in &m.cases {
                    walk_imports(&c.body, allow, bad);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(src: &str, name: &str) -> Signature {
        signature_of(src, name).unwrap()
    }

    const ORIG: &str = "def moving_average(xs, w=3, *, out=None):\n    return xs\n";

    #[test]
    fn takes_first_python_block_and_drops_example_usage() {
        let reply = "Here is a faster version:\n\n```python\nimport numpy as np\nfrom numba import njit\n\n\
SCALE = 2.0\n\n@njit(cache=True)\ndef _kernel(a, w):\n    return a\n\n\
def moving_average(xs, w=3, *, out=None):\n    a = np.asarray(xs, dtype=np.float64)\n    return _kernel(a, w).tolist()\n\n\
print(moving_average([1.0, 2.0]))\nresult = moving_average([1.0])\nif __name__ == \"__main__\":\n    pass\n```\n\n\
```python\ndef other(): pass\n```\n";
        let e = extract(reply, "moving_average", &sig(ORIG, "moving_average"), true).unwrap();
        assert_eq!(
            e.source,
            "import numpy as np\n\nfrom numba import njit\n\nSCALE = 2.0\n\n@njit(cache=True)\ndef _kernel(a, w):\n    return a\n\n\
def moving_average(xs, w=3, *, out=None):\n    a = np.asarray(xs, dtype=np.float64)\n    return _kernel(a, w).tolist()\n"
        );
        assert_eq!(
            e.dropped,
            vec![
                "print(moving_average([1.0, 2.0]))".to_string(),
                "result = moving_average([1.0])".to_string(),
                "if __name__ == \"__main__\":".to_string(),
            ]
        );
    }

    #[test]
    fn rejects_missing_function_changed_signature_and_bad_imports() {
        let o = sig(ORIG, "moving_average");
        let no_block = extract("def moving_average(xs): pass", "moving_average", &o, true).unwrap_err();
        assert!(no_block.contains("no ```python code block"), "{no_block}");

        let missing = extract("```python\ndef ma(xs, w=3, *, out=None):\n    pass\n```", "moving_average", &o, true)
            .unwrap_err();
        assert!(missing.contains("does not define `moving_average`"), "{missing}");

        let changed = extract("```python\ndef moving_average(xs, w):\n    pass\n```", "moving_average", &o, true)
            .unwrap_err();
        assert_eq!(
            changed,
            "`moving_average` changed its parameter list from (xs, w=..., *, out=...) to (xs, w)"
        );

        let os = extract(
            "```python\nimport os\nimport numpy.linalg\ndef moving_average(xs, w=3, *, out=None):\n    import subprocess\n    from . import helpers\n    pass\n```",
            "moving_average",
            &o,
            true,
        )
        .unwrap_err();
        assert!(os.starts_with("imports outside the allow-list: os, subprocess, .helpers"), "{os}");
        // cupy only where the strategy is CuPy: elsewhere the rewrite must run without a GPU
        let gpu = "```python\nimport cupy as cp\ndef moving_average(xs, w=3, *, out=None):\n    pass\n```";
        assert!(extract(gpu, "moving_average", &o, true).is_ok());
        let e = extract(gpu, "moving_average", &o, false).unwrap_err();
        assert!(e.starts_with("imports outside the allow-list: cupy") && !e.contains("allowed: numpy, numba, cupy"), "{e}");

        let syntax = extract("```python\ndef moving_average(xs:\n```", "moving_average", &o, true).unwrap_err();
        assert!(syntax.starts_with("the code block does not parse"), "{syntax}");
    }

    #[test]
    fn allows_submodules_and_parent_imports_of_allowed_modules() {
        let o = sig("def f(a):\n    pass\n", "f");
        let ok = "```python\nfrom concurrent import futures\nfrom concurrent.futures import ThreadPoolExecutor\n\
import numpy.linalg as la\nfrom collections import deque\ndef f(a):\n    return a\n```";
        assert!(extract(ok, "f", &o, true).is_ok());
        let bad = "```python\nfrom concurrent import bogus\ndef f(a):\n    return a\n```";
        assert!(extract(bad, "f", &o, true).unwrap_err().contains("concurrent.bogus"));
    }

    #[test]
    fn annotations_and_default_values_may_change_but_not_names() {
        let o = sig("def f(a, b=1):\n    pass\n", "f");
        assert!(extract("```python\ndef f(a: float, b: int = 2) -> float:\n    return a\n```", "f", &o, true).is_ok());
        assert!(extract("```python\ndef f(x, b=1):\n    return x\n```", "f", &o, true).is_err());
    }

    #[test]
    fn a_no_break_space_in_the_indentation_does_not_panic() {
        // `\u{a0}` is whitespace of two bytes: the old dedent of this module cut the line at byte
        // 1, inside it, and panicked on user source
        assert!(signature_of(" a\n\u{a0}b\n", "f").is_none());
    }

    #[test]
    fn method_text_is_dedented_for_its_signature() {
        let m = "    def step(self, dt):\n        return dt\n";
        assert_eq!(sig(m, "step").render(), "(self, dt)");
    }

    #[test]
    fn complete_block_detection_for_early_stop() {
        assert!(!has_complete_code_block("Sure!\n```python\ndef f():\n    pass\n"));
        assert!(has_complete_code_block("Sure!\n```python\ndef f():\n    pass\n```"));
        assert!(has_complete_code_block("```python\ndef f():\n    pass\n```\nMore text"));
    }
}

//! The Python runtime a rewrite imports: the adapter helpers (`helpers.py`, NumPy only) and the
//! checked int arithmetic (`checked.py`, Numba) live in small modules added next to the
//! rewritten module, not inlined into it, so that a branch's diff is the kernel and its adapter.
//!
//! Each runtime module is named by a hash of its text (`_aiaccel_adapt_1a2b3c4d.py`): every
//! branch of one aiaccel version adds the identical file, which git merges cleanly, and a branch
//! made by a later version with other helpers adds a file of another name instead of changing
//! the one earlier accepted rewrites import. It must never be edited in place.
//!
//! The names are module globals, so within one module the rewrite imported last binds them for
//! every rewrite there (its kernels compile at their first call, against what the names mean
//! then). Hence the rule for helpers.py and checked.py: a new version may add a helper or an
//! optional parameter, never change what an existing call computes.
//!
//! A rewrite imports it relative to its package, or absolutely for a top-level module or a
//! script run directly (`python tools/fit.py`, where `__package__` is empty):
//!
//! ```python
//! if __package__:
//!     from ._aiaccel_adapt_1a2b3c4d import _aiaccel_arr, _aiaccel_back
//! else:
//!     from _aiaccel_adapt_1a2b3c4d import _aiaccel_arr, _aiaccel_back
//! ```

use std::collections::BTreeSet;
use std::sync::OnceLock;

/// One runtime module.
#[derive(Debug)]
pub struct RuntimeModule {
    /// Module name, `_aiaccel_<kind>_<8 hex>`.
    pub stem: String,
    /// The file's text.
    pub text: String,
    /// The top-level names it defines (what a rewrite may import from it).
    pub names: BTreeSet<String>,
}

impl RuntimeModule {
    pub fn file_name(&self) -> String {
        format!("{}.py", self.stem)
    }
}

const ADAPT: &str = include_str!("propose/rules/helpers.py");
const CHECKED: &str = include_str!("propose/rules/checked.py");

/// The prefix of every file aiaccel adds next to a module (discovery skips them).
pub const FILE_PREFIX: &str = "_aiaccel_";

fn build(kind: &str, what: &str, body: &str) -> RuntimeModule {
    let text = format!(
        "\"\"\"aiaccel runtime: {what}, shared by the rewrites aiaccel made in this package.\n\nGenerated. Every aiaccel branch adds this same file; its name is a hash of its text, so do\nnot edit it: a rewrite that needs other helpers brings a file of another name.\n\"\"\"\n\n{}",
        body.trim_end()
    ) + "\n";
    let oid = git2::Oid::hash_object(git2::ObjectType::Blob, text.as_bytes()).expect("hashing a blob");
    let stem = format!("{FILE_PREFIX}{kind}_{}", &oid.to_string()[..8]);
    let names = top_level_names(&text);
    RuntimeModule { stem, text, names }
}

/// The names a module defines at its top level (defs, classes, assignments, imports).
fn top_level_names(text: &str) -> BTreeSet<String> {
    use crate::pyast::ast;
    let body = crate::pyast::parse_module(text, "<aiaccel runtime>").expect("the embedded runtime parses");
    let mut out = BTreeSet::new();
    for s in &body {
        match s {
            ast::Stmt::FunctionDef(d) => {
                out.insert(d.name.to_string());
            }
            ast::Stmt::ClassDef(c) => {
                out.insert(c.name.to_string());
            }
            ast::Stmt::Assign(a) => {
                for t in &a.targets {
                    if let Some(n) = crate::pyast::name_of(t) {
                        out.insert(n.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// All runtime modules: the adapter helpers first, then the checked arithmetic.
pub fn modules() -> &'static [RuntimeModule] {
    static ALL: OnceLock<Vec<RuntimeModule>> = OnceLock::new();
    ALL.get_or_init(|| {
        vec![
            build("adapt", "the guards and conversions between Python values and NumPy arrays", ADAPT),
            build("checked", "int64 arithmetic that reports overflow, for the Numba kernels", CHECKED),
        ]
    })
}

fn identifiers(code: &str) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    let b = code.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'_' || b[i].is_ascii_alphabetic() {
            let start = i;
            while i < b.len() && (b[i] == b'_' || b[i].is_ascii_alphanumeric()) {
                i += 1;
            }
            // an attribute (`x._aiaccel_arr`) is not a use of the global
            if start == 0 || b[start - 1] != b'.' {
                out.insert(&code[start..i]);
            }
        } else {
            i += 1;
        }
    }
    out
}

/// The import block for the runtime names `code` uses and does not define itself (empty when it
/// uses none), followed by `code`.
pub fn with_imports(code: &str) -> String {
    let used = identifiers(code);
    let defined: BTreeSet<String> = match crate::pyast::parse_module(code, "<rewrite>") {
        Ok(body) => body
            .iter()
            .filter_map(|s| match s {
                crate::pyast::ast::Stmt::FunctionDef(d) => Some(d.name.to_string()),
                crate::pyast::ast::Stmt::ClassDef(c) => Some(c.name.to_string()),
                _ => None,
            })
            .collect(),
        Err(_) => BTreeSet::new(),
    };
    let mut modules_used = Vec::new();
    for m in modules() {
        let names: Vec<&str> = m.names.iter().map(|s| s.as_str()).filter(|n| used.contains(n) && !defined.contains(*n)).collect();
        if !names.is_empty() {
            modules_used.push((m, names));
        }
    }
    let mut head = String::new();
    for (module, alias) in [("numpy", "_aiaccel_np"), ("numba", "_aiaccel_nb")] {
        if used.contains(alias) && !code.contains(&format!("import {module} as {alias}\n")) {
            head.push_str(&format!("import {module} as {alias}\n"));
        }
    }
    if !modules_used.is_empty() {
        let line = |dot: &str, m: &RuntimeModule, names: &[&str]| -> String {
            let one = format!("    from {dot}{} import {}", m.stem, names.join(", "));
            if one.len() <= 100 {
                return one + "\n";
            }
            let mut s = format!("    from {dot}{} import (\n", m.stem);
            for n in names {
                s.push_str(&format!("        {n},\n"));
            }
            s + "    )\n"
        };
        head.push_str("if __package__:\n");
        for (m, names) in &modules_used {
            head.push_str(&line(".", m, names));
        }
        head.push_str("else:\n");
        for (m, names) in &modules_used {
            head.push_str(&line("", m, names));
        }
    }
    if head.is_empty() {
        code.to_string()
    } else {
        format!("{head}\n\n{}", code.trim_start())
    }
}

/// The runtime modules a module's text imports (the files to put next to it).
pub fn imported_by(module_text: &str) -> Vec<&'static RuntimeModule> {
    modules().iter().filter(|m| module_text.contains(&format!(" {} import", m.stem)) || module_text.contains(&format!(".{} import", m.stem))).collect()
}

/// Write the runtime modules `module_text` imports into `dir` (where a module written there by
/// hand, outside a workspace or a branch, finds them; `dir` must be on `sys.path` for a
/// top-level module).
pub fn write_beside(dir: &std::path::Path, module_text: &str) -> std::io::Result<()> {
    for m in imported_by(module_text) {
        std::fs::write(dir.join(m.file_name()), &m.text)?;
    }
    Ok(())
}

/// `dir/of/module.py` -> `dir/of/<file>`: where a runtime module goes beside `module_path`.
pub fn beside(module_path: &str, file: &str) -> String {
    match module_path.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{file}"),
        None => file.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_modules_parse_and_export_the_helpers() {
        let m = modules();
        assert!(m[0].stem.starts_with("_aiaccel_adapt_") && m[0].stem.len() == "_aiaccel_adapt_".len() + 8);
        assert!(m[0].names.contains("_aiaccel_arr") && m[0].names.contains("_aiaccel_back"));
        assert!(m[1].names.contains("_AiaccelIntOverflow") && m[1].names.contains("_aiaccel_add"));
        // the adapter helpers need NumPy only: a vectorized rewrite must not pull Numba in
        assert!(!m[0].text.contains("numba"));
    }

    #[test]
    fn imports_only_what_the_code_uses() {
        let code = "def f(xs):\n    a = _aiaccel_arr(xs, 1, float)\n    return _aiaccel_np.sum(a)\n";
        let out = with_imports(code);
        let stem = &modules()[0].stem;
        assert!(out.starts_with("import numpy as _aiaccel_np\nif __package__:\n"), "{out}");
        assert!(out.contains(&format!("    from .{stem} import _aiaccel_arr\nelse:\n    from {stem} import _aiaccel_arr\n\n\ndef f")), "{out}");
        assert!(!out.contains(&modules()[1].stem));
        assert_eq!(imported_by(&out).len(), 1);
        assert_eq!(with_imports("def g():\n    return 1\n"), "def g():\n    return 1\n");
        // a name the code defines itself is not imported
        assert!(!with_imports("def _aiaccel_arr(x):\n    return x\n").contains("import"));
    }

    #[test]
    fn runtime_files_go_beside_the_module() {
        assert_eq!(beside("pkg/sub/m.py", "r.py"), "pkg/sub/r.py");
        assert_eq!(beside("m.py", "r.py"), "r.py");
    }
}

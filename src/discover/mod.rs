//! Discover: the HEAD snapshot -> `Function`s worth accelerating, ranked.
//!
//! Reads committed files only (never the worktree), skips tests, venvs, vendored and ignored
//! code, and keeps functions with loops and numeric work and without I/O, generators, async or
//! global writes. A file that does not parse is a warning; the run goes on with the rest.

mod analyze;
mod types;

pub use types::{Function, FunctionKind, Param, ParamShape};

use crate::git::Snapshot;
use crate::pyast::{self, ast, Stmt};
use serde::Serialize;

/// Files larger than this are not parsed (generated code, data in .py form).
pub const MAX_FILE_BYTES: usize = 1_000_000;

const SKIP_DIRS: &[&str] = &[
    "test", "tests", "testing", "venv", ".venv", "env", ".env", "site-packages", "vendor", "vendored",
    "_vendor", "third_party", "thirdparty", "third-party", "node_modules", "build", "dist", ".git",
    "__pycache__", ".tox", ".nox", ".eggs", "docs", "benchmarks",
];

/// A function found but not kept, with why. Only functions with loops are reported.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub path: String,
    pub qualname: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub functions: Vec<Function>,
    pub skipped: Vec<Skipped>,
    /// Files that could not be read or parsed, with the reason.
    pub warnings: Vec<String>,
    pub files_scanned: usize,
}

/// Whether a repo path holds code aiaccel should look at.
pub fn is_candidate_file(path: &str) -> bool {
    if !path.ends_with(".py") {
        return false;
    }
    let mut parts: Vec<&str> = path.split('/').collect();
    let file = parts.pop().unwrap_or("");
    if parts.iter().any(|d| SKIP_DIRS.contains(d) || d.ends_with(".egg-info")) {
        return false;
    }
    !(file.starts_with("test_") || file.ends_with("_test.py") || file == "conftest.py" || file == "setup.py" || file == "noxfile.py")
}

/// `pkg/signals.py` -> `pkg.signals`; `src/pkg/__init__.py` -> `pkg`.
pub fn module_name(path: &str) -> String {
    let p = path.strip_prefix("src/").unwrap_or(path);
    let p = p.strip_suffix(".py").unwrap_or(p);
    let p = p.strip_suffix("/__init__").unwrap_or(p);
    p.replace('/', ".")
}

pub fn discover(snap: &Snapshot) -> Discovery {
    let mut d = Discovery::default();
    for f in &snap.files {
        if f.mode == crate::git::MODE_COMMIT {
            d.warnings.push(format!("{}: a submodule, not scanned (aiaccel reads this repository's HEAD only)
hint: run aiaccel inside the submodule's own checkout", f.path));
            continue;
        }
        if !is_candidate_file(&f.path) || snap.is_ignored(&f.path) {
            continue;
        }
        if f.mode == crate::git::MODE_LINK {
            d.warnings.push(format!("{}: skipped, a symbolic link (the file it points to is scanned on its own if it is in the repo)", f.path));
            continue;
        }
        if f.size > MAX_FILE_BYTES {
            d.warnings.push(format!("{}: skipped, {} bytes is over the {} byte limit", f.path, f.size, MAX_FILE_BYTES));
            continue;
        }
        let bytes = match snap.read(&f.path) {
            Ok(b) => b,
            Err(e) => {
                d.warnings.push(format!("{}: could not be read: {e}", f.path));
                continue;
            }
        };
        if bytes.contains(&0) {
            d.warnings.push(format!("{}: skipped, a binary file (it contains NUL bytes)", f.path));
            continue;
        }
        let Ok(src) = String::from_utf8(bytes) else {
            d.warnings.push(format!("{}: skipped, not valid UTF-8", f.path));
            continue;
        };
        d.files_scanned += 1;
        match functions_in(&f.path, &src) {
            Ok((fs, skipped)) => {
                d.functions.extend(fs);
                d.skipped.extend(skipped);
            }
            Err(msg) => d.warnings.push(format!("{}: skipped, {msg}", f.path)),
        }
    }
    d.functions.sort_by(|a, b| b.score.partial_cmp(&a.score).unwrap_or(std::cmp::Ordering::Equal).then(a.id().cmp(&b.id())));
    d
}

/// All functions of one module, kept or skipped (skipped ones only when they have loops).
pub fn functions_in(path: &str, src: &str) -> Result<(Vec<Function>, Vec<Skipped>), String> {
    let mut kept = Vec::new();
    let mut skipped = Vec::new();
    for (f, reason) in scan(path, src)? {
        match reason {
            None => kept.push(f),
            Some(r) if f.loop_depth > 0 || !r.ends_with("no loops") => skipped.push(Skipped { path: path.to_string(), qualname: f.qualname, reason: r }),
            Some(_) => {}
        }
    }
    Ok((kept, skipped))
}

/// One function by qualified name (`name` or `Class.method`), whatever discovery thinks of it:
/// `check` verifies what a person asks for.
pub fn function_at(path: &str, src: &str, qualname: &str) -> Result<Function, String> {
    let all = scan(path, src)?;
    let names: Vec<String> = all.iter().map(|(f, _)| f.qualname.clone()).collect();
    all.into_iter().map(|(f, _)| f).find(|f| f.qualname == qualname).ok_or_else(|| {
        format!("no function `{qualname}` in {path} (functions there: {})", if names.is_empty() { "none".into() } else { names.join(", ") })
    })
}

/// Every function and method of a module, with the reason it is not a candidate, if any.
fn scan(path: &str, src: &str) -> Result<Vec<(Function, Option<String>)>, String> {
    // Python also breaks lines at a lone `\r`; aiaccel's byte ranges (`pyast::line_start`, ...)
    // only at `\n`, so a function's lines would run to the end of the file
    if src.match_indices('\r').any(|(i, _)| !src[i + 1..].starts_with('\n')) {
        return Err("lines end in a lone carriage return (classic Mac line endings); aiaccel reads \\n and \\r\\n only".into());
    }
    let suite = pyast::parse_module(src, path)?;
    let module = module_name(path);
    let module_names = module_level_names(&suite);
    let mut all = Vec::new();
    for s in &suite {
        match s {
            Stmt::FunctionDef(def) => all.push(consider(path, &module, src, s, def, None, &module_names)),
            Stmt::ClassDef(class) => {
                for m in &class.body {
                    if let Stmt::FunctionDef(def) = m {
                        all.push(consider(path, &module, src, m, def, Some(class.name.as_str()), &module_names));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(all)
}

/// Names bound at module level (for detecting writes to module state through subscripts).
fn module_level_names(suite: &[Stmt]) -> Vec<String> {
    let mut v = Vec::new();
    for s in suite {
        if let Stmt::Assign(a) = s {
            for t in &a.targets {
                if let Some(n) = pyast::name_of(t) {
                    v.push(n.to_string());
                }
            }
        }
    }
    v
}

fn consider(
    path: &str,
    module: &str,
    src: &str,
    stmt: &Stmt,
    def: &ast::StmtFunctionDef,
    class: Option<&str>,
    module_names: &[String],
) -> (Function, Option<String>) {
    let qualname = match class {
        Some(c) => format!("{c}.{}", def.name),
        None => def.name.to_string(),
    };
    let decorators: Vec<String> = def.decorator_list.iter().filter_map(pyast::dotted).collect();
    let kind = match class {
        None => FunctionKind::Plain,
        Some(_) if decorators.iter().any(|d| d == "staticmethod") => FunctionKind::StaticMethod,
        Some(_) if decorators.iter().any(|d| d == "classmethod") => FunctionKind::ClassMethod,
        Some(_) => FunctionKind::Method,
    };
    let facts = analyze::facts(&def.body);
    let has_loops = facts.loops + facts.comprehensions > 0;
    let skip_reason = if !has_loops {
        Some("not a candidate: no loops".to_string())
    } else if let Some(why) = &facts.disqualified {
        Some(format!("not a candidate: {why}"))
    } else if decorators.iter().any(|d| d.contains("njit") || d.contains("jit") || d.contains("vectorize") || d == "property" || d.ends_with(".setter")) {
        Some(format!("not a candidate: decorated with @{}", decorators.join(", @")))
    } else if let Some(w) = writes_module_state(&def.body, module_names) {
        Some(format!("not a candidate: writes module state (`{w}`)"))
    } else if facts.arith + facts.subscripts + facts.math_calls == 0 {
        Some("not a candidate: loops but no numeric work".to_string())
    } else {
        None
    };
    let params = analyze::params(src, def, matches!(kind, FunctionKind::Method | FunctionKind::ClassMethod));
    let range = pyast::def_lines(src, stmt);
    let def_line = &src[range.clone()];
    let indent: String = src[pyast::line_start(src, pyast::range(stmt).start)..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let mut reasons = vec![match facts.loop_depth {
        0 | 1 => "a loop".to_string(),
        d => format!("{d} nested loops"),
    }];
    if facts.subscripts > 0 {
        reasons.push(format!("{} subscripts", facts.subscripts));
    }
    if facts.arith > 0 {
        reasons.push(format!("{} arithmetic ops", facts.arith));
    }
    let score = 10.0 * facts.loop_depth as f64 + (1.0 + (facts.arith + facts.subscripts + facts.math_calls) as f64).ln();
    let function = Function {
        path: path.to_string(),
        module: module.to_string(),
        qualname,
        name: def.name.to_string(),
        kind,
        line: pyast::line_of(src, range.start),
        source: def_line.to_string(),
        range,
        indent,
        params,
        returns_value: facts.returns_value,
        loop_depth: facts.loop_depth,
        score,
        reasons,
    };
    (function, skip_reason)
}

/// `CACHE[k] = v` or `STATE.append(x)` where the name is module-level and not a local.
fn writes_module_state(body: &[Stmt], module_names: &[String]) -> Option<String> {
    let mut locals = std::collections::HashSet::new();
    pyast::walk_stmts(body, &mut |s| {
        if let Stmt::Assign(a) = s {
            for t in &a.targets {
                if let Some(n) = pyast::name_of(t) {
                    locals.insert(n.to_string());
                }
            }
        }
    });
    let mut found = None;
    pyast::walk_stmts(body, &mut |s| {
        let targets: Vec<&ast::Expr> = match s {
            Stmt::Assign(a) => a.targets.iter().collect(),
            Stmt::AugAssign(a) => vec![a.target.as_ref()],
            _ => vec![],
        };
        for t in targets {
            if let ast::Expr::Subscript(sub) = t {
                if let Some(n) = pyast::name_of(&sub.value) {
                    if module_names.iter().any(|m| m == n) && !locals.contains(n) {
                        found.get_or_insert_with(|| n.to_string());
                    }
                }
            }
        }
    });
    found
}

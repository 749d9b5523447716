//! Discover: the HEAD snapshot -> `Function`s worth accelerating, ranked.
//!
//! Reads committed files only (never the worktree), skips tests, venvs, vendored and ignored
//! code, and keeps functions with loops and numeric work and without I/O, generators, async or
//! global writes. A file that does not parse is a warning; the run goes on with the rest.

mod analyze;
pub use analyze::text_params;
pub mod method;
pub mod records;
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
    !(file.starts_with("test_") || file.ends_with("_test.py") || file == "conftest.py" || file == "setup.py" || file == "noxfile.py" || file.starts_with(crate::runtime::FILE_PREFIX))
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

/// The def statement of `f` in a parsed module.
pub fn find_def<'a>(module: &'a [Stmt], f: &Function) -> Option<&'a ast::StmtFunctionDef> {
    let mut parts = f.qualname.split('.');
    let first = parts.next()?;
    let second = parts.next();
    for s in module {
        match (s, second) {
            (Stmt::FunctionDef(d), None) if d.name.as_str() == first => return Some(d),
            (Stmt::ClassDef(c), Some(m)) if c.name.as_str() == first => {
                for s2 in &c.body {
                    if let Stmt::FunctionDef(d) = s2 {
                        if d.name.as_str() == m {
                            return Some(d);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// The text of every function of a module, by qualified name (for `rewrite --changed-since`).
pub fn function_texts(path: &str, src: &str) -> std::collections::BTreeMap<String, String> {
    scan(path, src).map(|all| all.into_iter().map(|(f, _)| (f.qualname, f.source)).collect()).unwrap_or_default()
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
    // each module-level function analysed once: what its callers inherit from it, and its own
    // `consider`, read the same facts
    let analysed: std::collections::HashMap<&str, Analysed> = suite
        .iter()
        .filter_map(|s| if let Stmt::FunctionDef(d) = s { Some(d) } else { None })
        .map(|d| (d.name.as_str(), Analysed { facts: analyze::facts(&d.body), params: analyze::params(src, d, false) }))
        .collect();
    let inherited = inherit_from_helpers(&suite, &analysed);
    let ctx = ModuleCtx { path, module: &module, src, module_names: &module_names, numpy_module: imports_numpy(&suite) };
    // what an accepted aiaccel rewrite left: `f` (the adapter), `_f_kernel` and `_f_py`, the
    // original kept as the fallback; accelerating the fallback again would only churn
    let top_defs: std::collections::BTreeSet<&str> = suite.iter().filter_map(|s| if let Stmt::FunctionDef(d) = s { Some(d.name.as_str()) } else { None }).collect();
    let kept_original = |name: &str| -> Option<String> {
        if (name.starts_with("_aiaccel_") || name.starts_with("__aiaccel_")) && src.contains(crate::runtime::FILE_PREFIX) {
            // the plain form of a method, its kernel and its kept original (`method`)
            return Some(format!("`{name}` was written by an accepted aiaccel rewrite of a method"));
        }
        let inner = name.strip_prefix('_')?;
        let (public, what) = match (inner.strip_suffix("_py"), inner.strip_suffix("_kernel")) {
            (Some(p), _) => (p, "the original of `{}`, kept by an accepted aiaccel rewrite as its fallback"),
            (_, Some(p)) => (p, "the compiled kernel of `{}`, written by an accepted aiaccel rewrite"),
            _ => return None,
        };
        (src.contains(crate::runtime::FILE_PREFIX) && top_defs.contains(public)).then(|| what.replace("{}", public))
    };
    let mut all = Vec::new();
    for s in &suite {
        match s {
            Stmt::FunctionDef(def) if kept_original(def.name.as_str()).is_some() => {
                let (f, _) = consider(&ctx, s, def, None, analysed.get(def.name.as_str()), inherited.get(def.name.as_str()));
                all.push((f, kept_original(def.name.as_str())));
            }
            Stmt::FunctionDef(def) => all.push(consider(&ctx, s, def, None, analysed.get(def.name.as_str()), inherited.get(def.name.as_str()))),
            Stmt::ClassDef(class) => {
                for m in &class.body {
                    if let Stmt::FunctionDef(def) = m {
                        all.push(consider(&ctx, m, def, Some(class.name.as_str()), None, None));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(all)
}

/// Names bound at module level (for detecting writes to module state through subscripts).
/// `import numpy`, `import numpy as np`, `from numpy import ...` at module level (or inside a
/// top-level `if`/`try`).
fn imports_numpy(suite: &[Stmt]) -> bool {
    let mut found = false;
    pyast::walk_stmts(suite, &mut |s| match s {
        Stmt::Import(i) => found |= i.names.iter().any(|a| a.name.as_str() == "numpy" || a.name.starts_with("numpy.")),
        Stmt::ImportFrom(i) => found |= i.module.as_ref().is_some_and(|m| m.as_str() == "numpy" || m.starts_with("numpy.")),
        _ => {}
    });
    found
}

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

/// What a module-level function takes from the module-level functions it calls (and those
/// they call): the deepest loop nest among them, and the shapes of parameters it only passes on.
/// ```python
/// def _matmul(X, Y): ...three nested loops over X[i][k], Y[k][j]...
/// def three_mm(A, B, C, D):          # no loop of its own: a candidate through `_matmul`,
///     return _matmul(_matmul(A, B), _matmul(C, D))   # A..D are float matrices like X, Y
/// ```
#[derive(Debug, Clone, Default)]
struct Inherited {
    loop_depth: usize,
    /// The helpers with loops it reaches.
    helpers: Vec<String>,
    /// Per positional parameter: the shape a helper gives it where its own use says nothing.
    shapes: Vec<Option<ParamShape>>,
}

fn inherit_from_helpers(suite: &[Stmt], analysed: &std::collections::HashMap<&str, Analysed>) -> std::collections::HashMap<String, Inherited> {
    use std::collections::HashMap;
    let defs: Vec<&ast::StmtFunctionDef> = suite.iter().filter_map(|s| if let Stmt::FunctionDef(d) = s { Some(d) } else { None }).collect();
    let mut own: HashMap<String, (usize, Vec<ParamShape>, Vec<String>)> = HashMap::new();
    for d in &defs {
        let a = &analysed[d.name.as_str()];
        let depth = a.facts.loop_depth;
        let shapes = a.params.iter().filter(|p| !p.variadic).map(|p| p.shape).collect();
        let names = d.args.posonlyargs.iter().chain(d.args.args.iter()).map(|a| a.def.arg.to_string()).collect();
        own.insert(d.name.to_string(), (depth, shapes, names));
    }
    // calls of module functions by name, with the plain-name arguments: (callee, [arg name])
    type Calls = Vec<(String, Vec<Option<String>>)>;
    let calls: HashMap<String, Calls> = defs
        .iter()
        .map(|d| {
            let mut locals = std::collections::HashSet::new();
            pyast::walk_stmts(&d.body, &mut |s| {
                if let Stmt::Assign(a) = s {
                    for t in &a.targets {
                        if let Some(n) = pyast::name_of(t) {
                            locals.insert(n.to_string());
                        }
                    }
                }
            });
            let mut v = Vec::new();
            pyast::walk_body_exprs(&d.body, &mut |e| {
                if let ast::Expr::Call(c) = e {
                    if let Some(n) = pyast::name_of(&c.func) {
                        // (not aiaccel's own generated functions: an accepted rewrite's stub
                        // calls its compiled form with the columns it read, `f(*_aiaccel_c0)`)
                        let generated = n.starts_with("_aiaccel_") || n.starts_with("__aiaccel_") || c.args.iter().any(|a| matches!(a, ast::Expr::Starred(_)));
                        if n != d.name.as_str() && own.contains_key(n) && !locals.contains(n) && !generated {
                            v.push((n.to_string(), c.args.iter().map(|a| pyast::name_of(a).map(str::to_string)).collect()));
                        }
                    }
                }
            });
            (d.name.to_string(), v)
        })
        .collect();
    let mut out: HashMap<String, Inherited> = HashMap::new();
    // three rounds: helpers of helpers of helpers, as the kernel compiles them
    for _ in 0..3 {
        let mut next = out.clone();
        for d in &defs {
            let name = d.name.to_string();
            let (_, shapes, params) = &own[&name];
            let mut inh = Inherited { shapes: vec![None; shapes.len()], ..Default::default() };
            for (callee, args) in &calls[&name] {
                let (cdepth, cshapes, _) = &own[callee];
                let cinh = out.get(callee);
                let depth = (*cdepth).max(cinh.map_or(0, |c| c.loop_depth));
                if depth > 0 {
                    inh.loop_depth = inh.loop_depth.max(depth);
                    if !inh.helpers.contains(callee) {
                        inh.helpers.push(callee.clone());
                    }
                }
                for (k, a) in args.iter().enumerate() {
                    let Some(a) = a else { continue };
                    let Some(pi) = params.iter().position(|p| p == a) else { continue };
                    if shapes.get(pi) != Some(&ParamShape::Unknown) || inh.shapes[pi].is_some() {
                        continue;
                    }
                    let given = cinh.and_then(|c| c.shapes.get(k).copied().flatten()).or(cshapes.get(k).copied());
                    if let Some(sh) = given.filter(|s| *s != ParamShape::Unknown) {
                        inh.shapes[pi] = Some(sh);
                    }
                }
            }
            if inh.loop_depth > 0 || inh.shapes.iter().any(Option::is_some) {
                next.insert(name, inh);
            }
        }
        out = next;
    }
    out
}

fn apply_inherited(f: &mut Function, h: &Inherited) {
    for (p, sh) in f.params.iter_mut().filter(|p| !p.variadic).zip(&h.shapes) {
        if let (ParamShape::Unknown, Some(sh)) = (p.shape, sh) {
            p.shape = *sh;
        }
    }
    if h.loop_depth > f.loop_depth {
        f.loop_depth = h.loop_depth;
        f.reasons[0] = format!("loops in {} (depth {})", h.helpers.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "), h.loop_depth);
        f.score = f.score.max(10.0 * h.loop_depth as f64);
    }
}

/// What the analysis of one function found (`analyze::facts`, `analyze::params`).
struct Analysed {
    facts: analyze::Facts,
    params: Vec<Param>,
}

/// The module a function is considered in.
struct ModuleCtx<'a> {
    path: &'a str,
    module: &'a str,
    src: &'a str,
    /// Names bound at module level (`module_level_names`).
    module_names: &'a [String],
    /// The module imports NumPy (`imports_numpy`).
    numpy_module: bool,
}

/// `analysed`: the module-level function's analysis, made once in `scan` (a method's is made here).
fn consider(ctx: &ModuleCtx<'_>, stmt: &Stmt, def: &ast::StmtFunctionDef, class: Option<&str>, analysed: Option<&Analysed>, inherited: Option<&Inherited>) -> (Function, Option<String>) {
    let ModuleCtx { path, module, src, module_names, numpy_module } = *ctx;
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
    let own;
    let (facts, params) = match analysed {
        Some(a) => (&a.facts, a.params.clone()),
        None => {
            own = analyze::facts(&def.body);
            (&own, analyze::params(src, def, matches!(kind, FunctionKind::Method | FunctionKind::ClassMethod)))
        }
    };
    let helper_loops = inherited.is_some_and(|h| h.loop_depth > 0);
    let has_loops = facts.loops + facts.comprehensions > 0 || helper_loops;
    let skip_reason = if !has_loops {
        Some("not a candidate: no loops".to_string())
    } else if let Some(why) = &facts.disqualified {
        Some(format!("not a candidate: {why}"))
    } else if decorators.iter().any(|d| d.contains("njit") || d.contains("jit") || d.contains("vectorize") || d == "property" || d.ends_with(".setter")) {
        Some(format!("not a candidate: decorated with @{}", decorators.join(", @")))
    } else if let Some(w) = writes_module_state(&def.body, module_names) {
        Some(format!("not a candidate: writes module state (`{w}`)"))
    } else if facts.arith + facts.subscripts + facts.math_calls == 0 && !helper_loops {
        Some("not a candidate: loops but no numeric work".to_string())
    } else {
        None
    };
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
    let mut function = Function {
        path: path.to_string(),
        module: module.to_string(),
        qualname,
        name: def.name.to_string(),
        kind,
        line: pyast::line_of(src, range.start),
        source: def_line.to_string(),
        range,
        indent,
        self_attrs: match (kind, class) {
            (FunctionKind::Method, Some(c)) => self_attrs(src, def, c),
            _ => vec![],
        },
        record_attrs: match kind {
            FunctionKind::Plain | FunctionKind::StaticMethod => record_attrs(src, def, &params),
            _ => vec![],
        },
        params,
        numpy_module,
        returns_value: facts.returns_value,
        loop_depth: facts.loop_depth,
        score,
        reasons,
    };
    if let Some(h) = inherited {
        apply_inherited(&mut function, h);
    }
    (function, skip_reason)
}

/// The attributes a method reads from `self`, shaped by their use in its plain form (where it
/// has one).
fn self_attrs(src: &str, def: &ast::StmtFunctionDef, class: &str) -> Vec<Param> {
    let Ok(form) = method::plain_form(src, def, class) else { return vec![] };
    let Ok(suite) = pyast::parse_module(&form.text, "<plain form>") else { return vec![] };
    let Some(Stmt::FunctionDef(plain)) = suite.first() else { return vec![] };
    let mut params = analyze::params(&form.text, plain, false);
    params.truncate(form.attrs.len());
    for (p, (attr, _)) in params.iter_mut().zip(&form.attrs) {
        p.name = attr.clone();
    }
    params
}

/// The record parameters of a function that loops over lists of records, with their
/// attributes shaped by their use in the columns form (where it has one).
fn record_attrs(src: &str, def: &ast::StmtFunctionDef, params: &[Param]) -> Vec<(String, Vec<Param>)> {
    let Ok(form) = records::records_form(src, def, &records::shaped_by(params)) else { return vec![] };
    let Ok(suite) = pyast::parse_module(&form.text, "<columns form>") else { return vec![] };
    let Some(Stmt::FunctionDef(plain)) = suite.first() else { return vec![] };
    let cols = analyze::params(&form.text, plain, false);
    form.records
        .iter()
        .map(|(p, attrs)| {
            let params = attrs
                .iter()
                .filter_map(|(attr, col)| cols.iter().find(|c| &c.name == col).map(|c| Param { name: attr.clone(), ..c.clone() }))
                .collect();
            (p.clone(), params)
        })
        .collect()
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

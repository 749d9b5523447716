//! The worked examples a kernel-mode prompt shows, chosen per function by likeness.
//!
//! The pool: the rules' examples that carry a kernel (`rules/examples/*.kernel.py`, each
//! verified equivalent by `tests/llm_kernel_mode.rs`) and the kernels the model wrote that were
//! accepted in earlier runs (verified and faster; stored with their evidence in aiaccel's cache
//! dir, `<cache>/examples/*.json`, never in the repository). Each function is described by a
//! set of plain features of its text (loop depth, element stores into parameters, what it
//! returns, text, counting, copies, ...), and the prompt gets the examples of its strategy whose
//! originals share the most with the function (Jaccard index), so that an in-place update is
//! shown an in-place kernel and a grid stencil a grid kernel, not one fixed example for all.

use crate::propose::Strategy;
use crate::pyast::{self, ast, Expr, Stmt};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// How many examples a prompt shows: each costs prefill time on every function.
pub const PER_PROMPT: usize = 2;
/// Stored examples read per run, the newest first.
const MAX_STORED: usize = 200;

/// One worked example: an original function and a kernel that computes it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Worked {
    /// Where it comes from, for the report: `rule AX001 example ax001_a`, or
    /// `accepted m.py::f, 12.3x (2026-12-02)`.
    pub from: String,
    pub original: String,
    pub kernel: String,
}

impl Worked {
    /// The strategy family its kernel shows: Numba's `prange`, Numba, or NumPy alone.
    fn strategy(&self) -> Strategy {
        if self.kernel.contains("prange") {
            Strategy::NumbaParallel
        } else if self.kernel.contains("njit") {
            Strategy::Numba
        } else {
            Strategy::Vectorize
        }
    }
}

/// Whether an example of `shown` may be shown for a prompt asking for `asked`.
fn fits(asked: Strategy, shown: Strategy) -> bool {
    match asked {
        Strategy::Numba => shown == Strategy::Numba,
        Strategy::NumbaParallel | Strategy::Parallel => shown == Strategy::NumbaParallel,
        Strategy::Vectorize | Strategy::Manual | Strategy::Cupy => shown == Strategy::Vectorize,
    }
}

/// The rules' worked kernels.
pub fn rule_examples() -> Vec<Worked> {
    let mut out = Vec::new();
    for rule in crate::propose::rules::all_rules() {
        for ex in rule.examples.into_iter().filter(|e| e.kernel.is_some()) {
            out.push(Worked {
                from: format!("rule {} example {}", rule.code, ex.name),
                original: ex.before.trim().to_string(),
                kernel: ex.kernel.unwrap_or_default().trim().to_string(),
            });
        }
    }
    out
}

/// Plain features of a function's text, for likeness. Empty where it does not parse.
pub fn features(source: &str) -> BTreeSet<&'static str> {
    let mut out = BTreeSet::new();
    let code = crate::edit::dedent(source);
    let Ok(module) = pyast::parse_module(&code, "<function>") else { return out };
    let Some(def) = module.iter().find_map(|s| match s {
        Stmt::FunctionDef(d) => Some(d),
        _ => None,
    }) else {
        return out;
    };
    let params: BTreeSet<&str> = def.args.posonlyargs.iter().chain(def.args.args.iter()).map(|a| a.def.arg.as_str()).collect();
    fn depth(stmts: &[Stmt]) -> usize {
        stmts
            .iter()
            .map(|s| {
                let inner = pyast::stmt_blocks(s).into_iter().map(depth).max().unwrap_or(0);
                inner + usize::from(matches!(s, Stmt::For(_) | Stmt::While(_)))
            })
            .max()
            .unwrap_or(0)
    }
    out.insert(match depth(&def.body) {
        0 => "no loop",
        1 => "one loop",
        2 => "two nested loops",
        _ => "three or more nested loops",
    });
    let mut returns_value = false;
    pyast::walk_stmts(&def.body, &mut |s| match s {
        Stmt::While(_) => {
            out.insert("while");
        }
        Stmt::If(_) => {
            out.insert("branches");
        }
        Stmt::Return(r) => match r.value.as_deref() {
            Some(Expr::Tuple(_)) => {
                returns_value = true;
                out.insert("returns a tuple");
            }
            Some(Expr::Constant(c)) if matches!(c.value, ast::Constant::None) => {}
            Some(_) => returns_value = true,
            None => {}
        },
        Stmt::AugAssign(a) => {
            out.insert(if matches!(a.target.as_ref(), Expr::Subscript(_)) { "updates elements" } else { "accumulates" });
            if matches!(a.target.as_ref(), Expr::Subscript(_)) && matches!(a.value.as_ref(), Expr::Constant(c) if matches!(c.value, ast::Constant::Int(_))) {
                out.insert("counts");
            }
        }
        Stmt::Assign(a) => {
            if a.targets.iter().any(|t| matches!(t, Expr::Tuple(_))) && matches!(a.value.as_ref(), Expr::Tuple(_)) {
                out.insert("swaps");
            }
            if pyast::list_copy_of(&a.value).is_some() {
                out.insert("copies a list");
            }
            if matches!(a.value.as_ref(), Expr::BinOp(b) if matches!(b.left.as_ref(), Expr::List(_))) {
                out.insert("makes a list buffer");
            }
        }
        _ => {}
    });
    if !returns_value {
        out.insert("returns nothing");
    }
    // element stores into a parameter: an in-place update
    for (base, _) in crate::propose::rules::adapter::element_stores(&def.body) {
        if params.contains(base.as_str()) {
            out.insert("writes a parameter in place");
        }
    }
    pyast::walk_body_exprs(&def.body, &mut |e| match e {
        Expr::Subscript(_) => {
            let mut d = 0;
            let mut x = e;
            while let Expr::Subscript(s) = x {
                d += if let Expr::Tuple(t) = s.slice.as_ref() { t.elts.len() } else { 1 };
                x = s.value.as_ref();
            }
            out.insert(match d {
                1 => "indexes 1-D",
                2 => "indexes 2-D",
                _ => "indexes 3-D",
            });
        }
        Expr::Call(c) => match pyast::dotted(&c.func).as_deref() {
            Some(n) if n.ends_with(".append") => {
                out.insert("appends");
            }
            Some("min" | "max") => {
                out.insert("min or max");
            }
            Some("int" | "round") => {
                out.insert("converts to int");
            }
            Some("ord" | "chr") => {
                out.insert("text");
            }
            Some(n) if n.starts_with("math.") => {
                out.insert("math functions");
            }
            Some("range" | "len" | "abs" | "float" | "sum" | "enumerate" | "zip") | None => {}
            Some(_) => {
                out.insert("calls a function");
            }
        },
        Expr::BinOp(b) => match b.op {
            ast::Operator::Div => {
                out.insert("divides");
            }
            ast::Operator::Mod | ast::Operator::FloorDiv | ast::Operator::BitAnd | ast::Operator::BitOr | ast::Operator::BitXor | ast::Operator::LShift | ast::Operator::RShift => {
                out.insert("int arithmetic");
            }
            _ => {}
        },
        Expr::Compare(c) => {
            if std::iter::once(c.left.as_ref()).chain(c.comparators.iter()).any(|o| matches!(o, Expr::Constant(k) if matches!(k.value, ast::Constant::Str(_)))) {
                out.insert("text");
            }
        }
        Expr::Attribute(a) if params.contains(pyast::name_of(&a.value).unwrap_or("")) => {
            out.insert("reads attributes");
        }
        _ => {}
    });
    out
}

/// Jaccard index of two feature sets (1.0: the same; 0.0: nothing shared).
pub fn likeness(a: &BTreeSet<&'static str>, b: &BTreeSet<&'static str>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// The `k` examples of `pool` a prompt for `function` (its source) and `strategy` shows: those
/// of the strategy whose originals are likest the function, the pool's order breaking ties
/// (the rules' examples first). Never the function itself (a stored example of an earlier run
/// of the same code would hand the model its answer unverified on this code's inputs).
pub fn select<'a>(function: &str, strategy: Strategy, pool: &'a [Worked], k: usize) -> Vec<&'a Worked> {
    let own = features(function);
    let me = crate::edit::dedent(function).trim().to_string();
    let mut scored: Vec<(f64, usize, &Worked)> = pool
        .iter()
        .enumerate()
        .filter(|(_, w)| fits(strategy, w.strategy()) && w.original.trim() != me)
        .map(|(i, w)| (likeness(&own, &features(&w.original)), i, w))
        .collect();
    scored.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal).then(a.1.cmp(&b.1)));
    scored.into_iter().take(k).map(|(_, _, w)| w).collect()
}

/// Kernels the model wrote that were accepted, kept across runs.
pub struct ExampleStore {
    dir: PathBuf,
}

impl ExampleStore {
    /// Entries live in `<cache_root>/examples`.
    pub fn new(cache_root: &Path) -> Self {
        ExampleStore { dir: cache_root.join("examples") }
    }

    /// Keep an accepted kernel (atomically; the same original and kernel once).
    pub fn record(&self, w: &Worked) -> Result<PathBuf> {
        std::fs::create_dir_all(&self.dir).with_context(|| format!("creating {}", self.dir.display()))?;
        let key = hex::encode(&Sha256::digest(format!("{}\0{}", w.original, w.kernel).as_bytes())[..10]);
        let path = self.dir.join(format!("{key}.json"));
        let tmp = self.dir.join(format!(".{key}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, serde_json::to_vec_pretty(w)?).with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }

    /// The stored examples, the newest first (unreadable entries are skipped).
    pub fn load(&self) -> Vec<Worked> {
        let Ok(rd) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        let mut entries: Vec<(std::time::SystemTime, PathBuf)> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|p| (std::fs::metadata(&p).and_then(|m| m.modified()).unwrap_or(std::time::UNIX_EPOCH), p))
            .collect();
        entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        entries
            .into_iter()
            .take(MAX_STORED)
            .filter_map(|(_, p)| std::fs::read(&p).ok().and_then(|b| serde_json::from_slice::<Worked>(&b).ok()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_in_place_update_is_shown_the_in_place_kernel_and_a_grid_the_grid_kernel() {
        let pool = rule_examples();
        let in_place = "def scale(xs, k):\n    for i in range(len(xs)):\n        xs[i] = xs[i] * k\n";
        let picked = select(in_place, Strategy::Numba, &pool, 1);
        assert!(picked[0].from.ends_with("ax001_b"), "{:?}", picked[0].from);
        let grid = "def relax(g, steps):\n    a = [r[:] for r in g]\n    b = [r[:] for r in g]\n    for t in range(steps):\n        for i in range(1, len(g) - 1):\n            for j in range(1, len(g[0]) - 1):\n                b[i][j] = 0.5 * (a[i - 1][j] + a[i + 1][j])\n        a, b = b, a\n    return a\n";
        let picked = select(grid, Strategy::Numba, &pool, 1);
        assert!(picked[0].from.ends_with("ax001_k"), "{:?}", picked[0].from);
        // each strategy is shown kernels of its own kind only
        assert!(select(grid, Strategy::NumbaParallel, &pool, 2).iter().all(|w| w.kernel.contains("prange")));
        assert!(select(grid, Strategy::Vectorize, &pool, 2).iter().all(|w| !w.kernel.contains("njit")));
    }

    #[test]
    fn stored_kernels_come_back_and_are_chosen_by_likeness_but_never_for_their_own_function() {
        let dir = tempfile::tempdir().unwrap();
        let store = ExampleStore::new(dir.path());
        let text = Worked {
            from: "accepted m.py::vowels, 7.4x (2026-12-02)".into(),
            original: "def vowels(s):\n    n = 0\n    for c in s:\n        if c in \"aeiou\":\n            n += 1\n    return n".into(),
            kernel: "from numba import njit\n\n\n@njit(cache=True)\ndef _vowels_kernel(s):\n    n = 0\n    for c in s:\n        if c in (97, 101, 105, 111, 117):\n            n += 1\n    return n".into(),
        };
        store.record(&text).unwrap();
        store.record(&text).unwrap(); // once
        std::fs::write(dir.path().join("examples").join("broken.json"), "{").unwrap();
        let stored = store.load();
        assert_eq!(stored, vec![text.clone()]);
        let mut pool = rule_examples();
        pool.extend(stored);
        let spaces = "def spaces(t):\n    k = 0\n    for ch in t:\n        if ch == ' ':\n            k += 1\n    return k\n";
        assert_eq!(select(spaces, Strategy::Numba, &pool, 1)[0].from, text.from);
        assert!(select(&text.original, Strategy::Numba, &pool, 5).iter().all(|w| w.from != text.from));
    }
}

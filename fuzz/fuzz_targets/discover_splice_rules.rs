//! Arbitrary text through discovery, the rule engine and splice: nothing may panic.
//!
//! For UTF-8 input:
//! 1. `discover::functions_in` on the input as a module, then `function_at` for every def and
//!    method in it (so the rules also see functions discovery would not pick, as `check` does).
//! 2. For each function: every rule's `propose`, and each candidate spliced back into the input;
//!    the function's own source spliced back too (the identity rewrite).
//! 3. The input itself spliced as a candidate into every function of a fixed module (a plain
//!    function, a method, a static method, a class method).
//! 4. `edit::dedent`, `edit::Diff` over every splice result.
//!
//! Errors are fine; panics (and stack overflows, OOMs, timeouts) are findings. cargo-fuzz builds
//! with debug assertions, so a rule whose output does not parse panics too (`rules::apply`).

#![no_main]

use aiaccel::discover::{self, Function};
use aiaccel::edit::{self, Diff};
use aiaccel::propose::rules::RuleEngine;
use aiaccel::propose::{ProposeContext, Proposer};
use aiaccel::pyast::{self, Stmt};
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::sync::OnceLock;

const FIXED_PATH: &str = "pkg/fixed.py";
const FIXED_MODULE: &str = "import math\n\
\n\
def f(xs, n):\n    out = [0.0] * n\n    for i in range(n):\n        out[i] = xs[i] * 2.0\n    return out\n\
\n\
class C:\n    def m(self, a):\n        t = 0.0\n        for v in a:\n            t += v * v\n        return t\n\
\n    @staticmethod\n    def s(a):\n        t = 0.0\n        for v in a:\n            t += math.sqrt(v)\n        return t\n\
\n    @classmethod\n    def c(cls, a):\n        return [v + 1 for v in a]\n";

fn fixed_functions() -> &'static [Function] {
    static FIXED: OnceLock<Vec<Function>> = OnceLock::new();
    FIXED.get_or_init(|| {
        ["f", "C.m", "C.s", "C.c"]
            .iter()
            .map(|q| discover::function_at(FIXED_PATH, FIXED_MODULE, q).expect("fixed module function"))
            .collect()
    })
}

thread_local! {
    static ENGINE: RefCell<RuleEngine> = RefCell::new(RuleEngine::new());
}

fn splice_checked(module: &str, f: &Function, candidate: &str) {
    if let Ok(new) = edit::splice(module, f, candidate) {
        let d = Diff { path: &f.path, old: module, new: &new };
        let _ = d.stats();
        let _ = d.to_string();
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let _ = edit::dedent(src);

    // the input as a candidate for each function of the fixed module
    for f in fixed_functions() {
        splice_checked(FIXED_MODULE, f, src);
    }

    // the input as a module
    let path = "pkg/fuzzed.py";
    let Ok((_kept, _skipped)) = discover::functions_in(path, src) else { return };
    // every def and method, kept, skipped or without loops: `check` hands any of them to the rules
    let Ok(suite) = pyast::parse_module(src, path) else { return };
    let mut qualnames: Vec<String> = Vec::new();
    for s in &suite {
        match s {
            Stmt::FunctionDef(d) => qualnames.push(d.name.to_string()),
            Stmt::ClassDef(c) => {
                for m in &c.body {
                    if let Stmt::FunctionDef(d) = m {
                        qualnames.push(format!("{}.{}", c.name, d.name));
                    }
                }
            }
            _ => {}
        }
    }
    qualnames.dedup();
    let functions: Vec<Function> = qualnames.iter().filter_map(|q| discover::function_at(path, src, q).ok()).collect();
    for f in &functions {
        let _ = f.id();
        // the identity rewrite
        splice_checked(src, f, &f.source);
        let ctx = ProposeContext { function: f, module_source: src, observed_inputs: None };
        let candidates = ENGINE.with(|e| e.borrow_mut().propose(&ctx));
        if let Ok(cands) = candidates {
            for c in &cands {
                splice_checked(src, f, &c.source);
            }
        }
    }
});

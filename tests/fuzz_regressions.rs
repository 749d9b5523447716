//! Inputs the fuzzer (`scripts/fuzz.sh`, fuzz/fuzz_targets/discover_splice_rules.rs) found to
//! panic, minimised. Each runs the same library paths as the fuzz target: discovery, every rule
//! on every function, splices of the candidates and of the input itself; plain `cargo test`.

use aiaccel::discover::{self, Function};
use aiaccel::edit::{self, SpliceError};
use aiaccel::propose::rules::RuleEngine;
use aiaccel::propose::{Candidate, ProposeContext, Proposer};
use aiaccel::pyast::{self, Stmt};

const FIXED_PATH: &str = "pkg/fixed.py";
/// The fuzz target's fixed module: the input is spliced as a candidate for each of its functions.
const FIXED_MODULE: &str = "import math\n\
\n\
def f(xs, n):\n    out = [0.0] * n\n    for i in range(n):\n        out[i] = xs[i] * 2.0\n    return out\n\
\n\
class C:\n    def m(self, a):\n        t = 0.0\n        for v in a:\n            t += v * v\n        return t\n\
\n    @staticmethod\n    def s(a):\n        t = 0.0\n        for v in a:\n            t += math.sqrt(v)\n        return t\n\
\n    @classmethod\n    def c(cls, a):\n        return [v + 1 for v in a]\n";

/// What one input did: the functions found, and per function the rule candidates with whether
/// each spliced back into the module.
struct Run {
    functions: Vec<Function>,
    candidates: Vec<(String, Candidate, Result<String, SpliceError>)>,
}

/// The fuzz target's body, returning what happened instead of dropping it.
fn exercise(src: &str) -> Run {
    let _ = edit::dedent(src);
    for q in ["f", "C.m", "C.s", "C.c"] {
        let f = discover::function_at(FIXED_PATH, FIXED_MODULE, q).unwrap();
        if let Ok(new) = edit::splice(FIXED_MODULE, &f, src) {
            pyast::parse_module(&new, FIXED_PATH).expect("a splice result parses");
        }
    }
    let path = "pkg/fuzzed.py";
    let mut run = Run { functions: vec![], candidates: vec![] };
    if discover::functions_in(path, src).is_err() {
        return run;
    }
    let suite = pyast::parse_module(src, path).expect("discovery parsed it");
    let mut qualnames = Vec::new();
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
    let mut engine = RuleEngine::new();
    for q in &qualnames {
        let f = discover::function_at(path, src, q).unwrap();
        let identity = edit::splice(src, &f, &f.source);
        assert!(identity.is_ok(), "{q}: the function's own source does not splice back: {identity:?}");
        let ctx = ProposeContext { function: &f, module_source: src, observed_inputs: None };
        for c in engine.propose(&ctx).unwrap() {
            pyast::parse_module(&c.source, "<candidate>").unwrap_or_else(|e| panic!("{q}: {} does not parse: {e}\n{}", c.label, c.source));
            let spliced = edit::splice(src, &f, &c.source);
            if let Ok(new) = &spliced {
                pyast::parse_module(new, path).expect("a splice result parses");
            }
            run.candidates.push((q.clone(), c, spliced));
        }
        run.functions.push(f);
    }
    run
}

fn rule_fired(run: &Run, qualname: &str, code: &str) -> bool {
    run.candidates.iter().any(|(q, c, _)| q == qualname && c.origin.to_string() == format!("rule:{code}"))
}

/// Found from the `tabs` seed: AX001 nested the tab-indented loop body under four spaces
/// (`    \tt += x * 3`), a TabError, so the rule produced code that does not parse (a panic in
/// debug builds, a dropped candidate in release ones). Leading tabs are now expanded.
#[test]
fn tab_indented_body_gives_rules_that_parse() {
    let src = "def f(xs):\n\tt = 0\n\tfor x in xs:\n\t\tt += x * 3\n\treturn t\n";
    let run = exercise(src);
    assert!(rule_fired(&run, "f", "AX001"), "AX001 does not fire on a tab-indented function");
    for (_, c, spliced) in &run.candidates {
        let new = spliced.as_ref().unwrap_or_else(|e| panic!("{} does not splice: {e}", c.label));
        if c.origin.to_string() == "rule:AX001" {
            // (the augmented assignment is checked int arithmetic since issue #12)
            assert!(new.contains("def _f_kernel(xs):\n    t = 0\n    for x in xs:\n            t = _aiaccel_add(t, _aiaccel_mul(x, 3))\n"), "{new}");
        }
    }
    // the same for the elementwise/reduction rules, whose body sits inside try/with
    let src = "def total(xs):\n\tt = 0.0\n\tfor x in xs:\n\t\tt += x * x\n\tif t > 1.0:\n\t\tt = t / 2\n\treturn t\n";
    let run = exercise(src);
    assert!(rule_fired(&run, "total", "AX010"), "AX010 does not fire on a tab-indented reduction");
}

/// Found from the `unicode_idents` seed: a function whose last character is multi-byte
/// (`return αθροισμα`) made `pyast::line_end` slice inside that character.
#[test]
fn function_ending_in_a_multibyte_character_is_discovered() {
    let src = "def σ(τιμές):\n    α = 0.0\n    for τ in τιμές:\n        α += τ * 2\n    return α";
    let (kept, _) = discover::functions_in("m.py", src).expect("parses");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].source, src, "the range is the whole function");
    assert_eq!(pyast::line_end(src, src.len()), src.len());
    let run = exercise(&format!("{src}\n\ndef 合計(値):\n    s = 0\n    for i in range(len(値)):\n        s += 値[i]\n    return 値\n"));
    assert_eq!(run.functions.len(), 2);
}

/// Found by mutation: a candidate indented with a space on one line and a no-break space (two
/// bytes, whitespace to Rust, not to Python) on another made `edit::dedent` cut inside it.
#[test]
fn dedent_with_a_no_break_space_does_not_split_it() {
    assert_eq!(edit::dedent(" a\n\u{a0}b\n"), "a\n\u{a0}b\n");
    let cand = " def f(xs, n):\n\u{a0}   return xs\n";
    let f = discover::function_at(FIXED_PATH, FIXED_MODULE, "f").unwrap();
    assert!(matches!(edit::splice(FIXED_MODULE, &f, cand), Err(SpliceError::Syntax(_))), "{:?}", edit::splice(FIXED_MODULE, &f, cand));
    exercise(cand);
}

/// Found by feeding the target long inputs (`-max_len`): nesting is bounded only by the length of
/// the text, and the parser's error path, the tree's destructor and every analysis recurse once
/// per level, so `t = ----...x` (or `x+x+...`, `xs[0][0]...`, `[[[...]]]`) overflowed the stack
/// (an abort, not even a panic). CPython rejects all of these too ("maximum recursion depth
/// exceeded during compilation", "too many nested parentheses").
#[test]
fn nesting_past_the_limit_is_a_syntax_error_not_a_stack_overflow() {
    let n = 100_000;
    let body = |e: String| format!("def f(xs):\n    t = 0\n    for x in xs:\n        t += {e}\n    return t\n");
    let cases = [
        ("unary", body(format!("{}x", "-".repeat(n)))),
        ("binop", body(vec!["x"; n].join("+"))),
        ("subscripts", body(format!("xs{}", "[0]".repeat(n)))),
        ("lists", body(format!("{}x{}", "[".repeat(n), "]".repeat(n)))),
        // a syntax error after the deep part: the parser itself drops the half-built tree
        ("binop then error", format!("t = {} )\n", vec!["x"; n].join("+"))),
        ("lists then error", format!("t = {}x{})\n", "[".repeat(n), "]".repeat(n - 1))),
    ];
    for (what, src) in &cases {
        assert!(src.len() < discover::MAX_FILE_BYTES, "{what}: discovery would not even read it");
        let err = discover::functions_in("deep.py", src).err().unwrap_or_else(|| panic!("{what}: accepted"));
        assert!(err.starts_with("syntax error at line"), "{what}: {err}");
        if !what.contains("error") {
            assert!(err.contains(&format!("nested more than {} levels deep", pyast::MAX_NESTING)), "{what}: {err}");
        }
        let f = discover::function_at(FIXED_PATH, FIXED_MODULE, "f").unwrap();
        assert!(matches!(edit::splice(FIXED_MODULE, &f, src), Err(SpliceError::Syntax(_))), "{what}");
    }
    // parentheses add no level to the tree
    let src = body(format!("{}x{}", "(".repeat(n), ")".repeat(n)));
    assert_eq!(discover::functions_in("deep.py", &src).expect("parses").0.len(), 1);
}

/// The other side of the limit: nesting just below it is discovered and goes through every rule
/// without overflowing an 8 MiB stack (the main thread's, where the CLI runs), even in a debug
/// build (which needs about 3 KiB a level; a default 2 MiB test thread is too small for that).
#[test]
fn nesting_below_the_limit_goes_through_discovery_and_every_rule() {
    std::thread::Builder::new().stack_size(8 << 20).spawn(below_the_limit).unwrap().join().unwrap();
}

fn below_the_limit() {
    let depth = pyast::MAX_NESTING - 10;
    let sum = vec!["xs[i]"; depth].join(" + ");
    let src = format!("def f(xs, n):\n    out = [0.0] * n\n    for i in range(n):\n        out[i] = {sum}\n    return out\n");
    let run = exercise(&src);
    assert_eq!(run.functions.len(), 1);
    assert!(rule_fired(&run, "f", "AX001"), "AX001 does not fire on a long sum");
    let neg = format!("def g(xs):\n    t = 0.0\n    for x in xs:\n        t += {}x\n    return t\n", "-".repeat(depth));
    let run = exercise(&neg);
    assert!(rule_fired(&run, "g", "AX010"), "AX010 does not fire on a long unary chain");
}

/// Found while probing what the fuzzer reached: the rules' fallback copy of the original
/// (`_f_py`) looked for the name after exactly `def ` and otherwise cut 4 bytes in, which split
/// `σ` in `def  σ(xs):` (a panic) and mangled `def \<newline> f(xs):` into code that does not parse.
#[test]
fn rules_rename_a_def_whatever_separates_def_and_its_name() {
    let body = "(xs):\n    t = 0\n    for x in xs:\n        t += x\n    return t\n";
    for (name, header) in [("σ", "def  σ"), ("f", "def\tf"), ("f", "def \\\n f"), ("f", "@defaults\ndef  f")] {
        let src = format!("{header}{body}");
        let run = exercise(&src);
        assert!(rule_fired(&run, name, "AX001"), "{header:?}: AX001 does not fire");
        for (_, c, spliced) in &run.candidates {
            assert!(c.source.contains(&format!("_{name}_py(xs):")), "{header:?}: {} has no renamed original:\n{}", c.label, c.source);
            assert!(spliced.is_ok(), "{header:?}: {} does not splice: {spliced:?}", c.label);
        }
    }
}

/// Found while probing AX001's edits: `res = [0.0] * len(out)` where `out` is an appended-to
/// buffer got two overlapping rewrites (the buffer's initialiser and `len(out)` -> `_n_out`),
/// applied at stale offsets: code that does not parse, or, with a multi-byte character right
/// after (`;é = 1`), a cut inside that character (a panic in release builds too).
#[test]
fn overlapping_kernel_rewrites_are_refused_not_applied() {
    for tail in ["", ";é = 1"] {
        let src = format!(
            "def f(xs):\n    out = []\n    for x in xs:\n        out.append(x * 2.0)\n    res = [0.0] * len(out){tail}\n    for i in range(len(out)):\n        res[i] = xs[i] * 2.0\n    return res\n"
        );
        let f = discover::function_at("m.py", &src, "f").unwrap();
        let why = aiaccel::propose::rules::apply("AX001", &f, &src).unwrap().expect_err("AX001 must not fire");
        assert!(why.contains("overlap"), "{why}");
        exercise(&src);
    }
}

/// Found while probing line endings: Python (and the parser) also end a line at a lone `\r`,
/// but aiaccel's line helpers only at `\n`, so every function's byte range ran from the start
/// of the module to its end (a splice would have replaced the whole module) and AX001 built code
/// that does not parse. Such a module is now skipped with a reason; `\r\n` still works.
#[test]
fn lone_carriage_returns_are_refused_crlf_is_fine() {
    let cr = "def g(a):\r    return a\r\rdef f(xs):\r    t = 0\r    for x in xs:\r        t += x * 2.0\r    return t\r";
    let err = discover::functions_in("mac.py", cr).expect_err("a CR-only module is refused");
    assert!(err.contains("carriage return"), "{err}");
    assert!(discover::function_at("mac.py", cr, "f").is_err());
    assert!(exercise(cr).functions.is_empty());

    let crlf = cr.replace('\r', "\r\n");
    let run = exercise(&crlf);
    assert_eq!(run.functions.len(), 2);
    let f = run.functions.iter().find(|f| f.name == "f").unwrap();
    assert!(f.source.starts_with("def f(xs):\r\n") && f.source.ends_with("return t\r\n"), "{:?}", f.source);
    assert!(rule_fired(&run, "f", "AX001"));
}

/// Found while probing indentation: a form feed in the indentation resets Python's column, but
/// `edit::dedent` counted it as one more byte of indent (and AX010/AX011 re-indented the lines
/// they wrote with one space per byte of it), so AX001, AX010 and AX011 built code that does not
/// parse (`unexpected indent`).
#[test]
fn form_feed_in_indentation_gives_rules_that_parse() {
    assert_eq!(edit::dedent("    a\n\x0c    b\n  \x0c    c\n"), "a\nb\nc\n");
    let src = "def total(xs):\n    t = 0.0\n\x0c    for x in xs:\n        t += x * x\n    return t\n\n\
               def dbl(xs):\n    out = []\n\x0c  \x0c    for x in xs:\n        out.append(x * 2.0)\n    return out\n";
    let run = exercise(src);
    for (q, code) in [("total", "AX001"), ("total", "AX010"), ("dbl", "AX011")] {
        assert!(rule_fired(&run, q, code), "{code} does not fire on {q}");
    }
    for (q, c, spliced) in &run.candidates {
        assert!(spliced.is_ok(), "{q}: {} does not splice: {spliced:?}", c.label);
    }
}

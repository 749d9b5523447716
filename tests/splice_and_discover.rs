//! Discovery from HEAD and the splice, without Python.

mod common;

use aiaccel::discover::{self, FunctionKind, ParamShape};
use aiaccel::edit::{splice, Diff, SpliceError};
use aiaccel::git::Snapshot;

const MODULE: &str = r#"import math

SCALE = 2.0


def moving_average(values: list[float], window: int) -> list[float]:
    out = []
    for i in range(len(values) - window + 1):
        s = 0.0
        for j in range(window):
            s += values[i + j]
        out.append(s / window)
    return out


def grid_sum(grid):
    total = 0.0
    for row in grid:
        for v in row:
            total += v
    return total


def report(xs):
    for x in xs:
        print(x * 2)


def gen(xs):
    for x in xs:
        yield x * 2


def no_loops(a, b):
    return a + b


class Filter:
    def apply(self, xs):
        out = [0.0] * len(xs)
        for i in range(len(xs)):
            out[i] = xs[i] * 2.0
        return out

    @staticmethod
    def scale(xs, k):
        return [x * k for x in xs]
"#;

#[test]
fn discovery_keeps_numeric_loops_and_says_why_it_skips() {
    let (kept, skipped) = discover::functions_in("pkg/signals.py", MODULE).unwrap();
    let names: Vec<&str> = kept.iter().map(|f| f.qualname.as_str()).collect();
    assert!(names.contains(&"moving_average") && names.contains(&"grid_sum"), "{names:?}");
    assert!(names.contains(&"Filter.apply") && names.contains(&"Filter.scale"), "{names:?}");
    assert!(!names.contains(&"report") && !names.contains(&"gen") && !names.contains(&"no_loops"));
    let why = |n: &str| skipped.iter().find(|s| s.qualname == n).map(|s| s.reason.clone()).unwrap_or_default();
    assert!(why("report").contains("print"), "{}", why("report"));
    assert!(why("gen").contains("generator"), "{}", why("gen"));
    let ma = kept.iter().find(|f| f.name == "moving_average").unwrap();
    assert_eq!(ma.module, "pkg.signals");
    assert_eq!(ma.kind, FunctionKind::Plain);
    assert_eq!(ma.loop_depth, 2);
    assert_eq!(ma.params[0].shape, ParamShape::FloatList);
    assert_eq!(ma.params[1].shape, ParamShape::Size);
    let gs = kept.iter().find(|f| f.name == "grid_sum").unwrap();
    assert_eq!(gs.params[0].shape, ParamShape::FloatMatrix, "iterating rows then values makes a matrix");
    let apply = kept.iter().find(|f| f.qualname == "Filter.apply").unwrap();
    assert_eq!(apply.kind, FunctionKind::Method);
    assert_eq!(apply.params.len(), 1, "self is not a parameter to generate");
    assert_eq!(kept.iter().find(|f| f.qualname == "Filter.scale").unwrap().kind, FunctionKind::StaticMethod);
}

#[test]
fn discovery_reads_head_skips_tests_vendored_and_warns_on_bad_files() {
    let repo = common::repo(&[
        ("pkg/__init__.py", b""),
        ("pkg/signals.py", MODULE.as_bytes()),
        ("pkg/broken.py", b"def f(:\n    pass\n"),
        ("pkg/latin.py", b"# caf\xe9\ndef f(xs):\n    return [x for x in xs]\n"),
        ("tests/test_signals.py", b"def test_x():\n    total = 0\n    for i in range(3):\n        total += i\n"),
        ("vendor/lib.py", MODULE.as_bytes()),
        (".venv/lib/site.py", MODULE.as_bytes()),
    ]);
    // an uncommitted edit must not be seen
    std::fs::write(repo.root.join("pkg/signals.py"), "def only_in_worktree(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return s\n").unwrap();
    let snap = Snapshot::open(&repo.root).unwrap();
    let d = discover::discover(&snap);
    let ids: Vec<String> = d.functions.iter().map(|f| f.id()).collect();
    assert!(ids.iter().any(|i| i == "pkg.signals:moving_average"), "{ids:?}");
    assert!(!ids.iter().any(|i| i.contains("only_in_worktree")));
    assert!(ids.iter().all(|i| i.starts_with("pkg.")), "tests, vendor and venvs are skipped: {ids:?}");
    assert!(d.warnings.iter().any(|w| w.contains("pkg/broken.py") && w.contains("syntax error at line 1")), "{:?}", d.warnings);
    assert!(d.warnings.iter().any(|w| w.contains("pkg/latin.py") && w.contains("UTF-8")), "{:?}", d.warnings);
    // ranked: the doubly nested loop first
    assert_eq!(d.functions[0].loop_depth, 2);
}

#[test]
fn empty_repo_is_a_clear_error_with_a_hint() {
    let repo = common::repo(&[]);
    let err = Snapshot::open(&repo.root).err().unwrap().to_string();
    assert!(err.contains("no commits yet") && err.contains("hint:"), "{err}");
}

#[test]
fn splice_replaces_the_function_and_keeps_the_rest() {
    let (kept, _) = discover::functions_in("m.py", MODULE).unwrap();
    let f = kept.iter().find(|f| f.name == "grid_sum").unwrap();
    let cand = "import numpy as np\n\n\ndef grid_sum(grid):\n    return float(np.sum(np.array(grid)))\n";
    let out = splice(MODULE, f, cand).unwrap();
    assert!(out.contains("return float(np.sum(np.array(grid)))"));
    assert!(out.contains("def moving_average") && out.contains("class Filter"));
    assert!(!out.contains("for row in grid"));
    let diff = Diff { path: "m.py", old: MODULE, new: &out };
    insta::assert_snapshot!(diff.to_string());
    assert_eq!(diff.stats(), (4, 5));
}

#[test]
fn splice_of_a_static_method_puts_helpers_at_module_level() {
    let (kept, _) = discover::functions_in("m.py", MODULE).unwrap();
    let f = kept.iter().find(|f| f.qualname == "Filter.scale").unwrap();
    let cand = "import numpy as _np\n\ndef _kernel(a, k):\n    return a * k\n\ndef scale(xs, k):\n    return _kernel(_np.asarray(xs), k).tolist()\n";
    let out = splice(MODULE, f, cand).unwrap();
    let class_at = out.find("class Filter").unwrap();
    assert!(out.find("def _kernel").unwrap() < class_at, "helpers go before the class");
    assert!(out.contains("    @staticmethod\n    def scale(xs, k):\n        return _kernel("), "{out}");
}

#[test]
fn splice_rejects_missing_function_changed_signature_and_bad_syntax() {
    let (kept, _) = discover::functions_in("m.py", MODULE).unwrap();
    let f = kept.iter().find(|f| f.name == "grid_sum").unwrap();
    assert_eq!(splice(MODULE, f, "def other(grid):\n    return 0\n"), Err(SpliceError::Missing("grid_sum".into())));
    assert!(matches!(splice(MODULE, f, "def grid_sum(grid, extra=1):\n    return 0\n"), Err(SpliceError::Signature { .. })));
    assert!(matches!(splice(MODULE, f, "def grid_sum(grid):\n    return (\n"), Err(SpliceError::Syntax(_))));
}

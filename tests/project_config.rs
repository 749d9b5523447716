//! `[tool.aiaccel]` in pyproject.toml (read from HEAD): include / exclude select the functions,
//! `strategies` keeps other rewrites out before they are verified, and an unknown key is an
//! error with the known keys as the hint.

mod common;

use serde_json::Value;

const KERNELS: &str = "def sum_sq(xs):\n    t = 0.0\n    for x in xs:\n        for y in xs:\n            t += x * y\n    return t\n\n\ndef debug_sum(xs):\n    t = 0.0\n    for x in xs:\n        for y in xs:\n            t += x - y\n    return t\n";

fn report(root: &std::path::Path, extra: &[&str]) -> Value {
    let mut args = vec!["rewrite", ".", "--no-llm", "--no-capture", "--dry-run", "--json"];
    args.extend(extra);
    let out = common::aiaccel(root, &args);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    serde_json::from_str(&common::stdout(&out)).unwrap()
}

#[test]
fn include_exclude_and_strategies_come_from_pyproject() {
    let pyproject = "[project]\nname = \"demo\"\n\n[tool.aiaccel]\ninclude = [\"pkg/**\"]\nexclude = [\"*::debug_*\"]\nstrategies = [\"cupy\"]\nmin_speedup = 1.5\n";
    let repo = common::repo(&[("pyproject.toml", pyproject.as_bytes()), ("pkg/__init__.py", b""), ("pkg/k.py", KERNELS.as_bytes()), ("tools/k.py", KERNELS.as_bytes())]);
    let r = report(&repo.root, &[]);
    let fs = r["functions"].as_array().unwrap();
    let names: Vec<String> = fs.iter().map(|f| format!("{}::{}", f["path"].as_str().unwrap(), f["function"].as_str().unwrap())).collect();
    assert_eq!(names, vec!["pkg/k.py::sum_sq".to_string()], "include pkg/**, exclude debug_*: {r:#}");
    // the rules' numba rewrites are not a strategy the project allows: refused before verifying
    let cands = fs[0]["candidates"].as_array().unwrap();
    assert!(!cands.is_empty() && cands.iter().all(|c| c["verdict"] == "excluded_by_config" && c["verify_s"] == 0.0), "{cands:#?}");
    assert!(cands[0]["message"].as_str().unwrap().contains("is not among the strategies asked for (cupy: --strategies, or [tool.aiaccel] strategies)"));
    // a flag still narrows further
    let r = report(&repo.root, &["--function", "nothing_matches"]);
    assert_eq!(r["functions"].as_array().unwrap().len(), 0);
}

#[test]
fn an_unknown_key_is_an_error_with_a_hint() {
    let pyproject = "[tool.aiaccel]\nrtool = 1e-6\n";
    let repo = common::repo(&[("pyproject.toml", pyproject.as_bytes()), ("k.py", KERNELS.as_bytes())]);
    let out = common::aiaccel(&repo.root, &["rewrite", ".", "--no-llm", "--no-capture", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(err.contains("rtool") && err.contains("hint: the keys aiaccel knows are"), "{err}");
}

#[test]
fn doctor_checks_python_the_model_git_and_the_config_with_hints() {
    let good = common::repo(&[("k.py", KERNELS.as_bytes())]);
    let out = common::aiaccel(&good.root, &["doctor"]);
    let text = common::stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", common::stderr(&out));
    for needle in ["python ", "numpy ", "numba ", "gpu: ", "model ", "git: ", "config: [tool.aiaccel]"] {
        assert!(text.contains(needle), "doctor says nothing of {needle:?}:\n{text}");
    }
    let bad = common::repo(&[("pyproject.toml", b"[tool.aiaccel]\nrtool = 1e-6\n"), ("k.py", KERNELS.as_bytes())]);
    let out = common::aiaccel(&bad.root, &["doctor"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(common::stdout(&out).contains("rtool") && common::stdout(&out).contains("hint:"), "{}", common::stdout(&out));
    let dir = tempfile::tempdir().unwrap();
    let out = common::aiaccel(dir.path(), &["doctor"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(common::stdout(&out).contains("not inside a git repository") && common::stdout(&out).contains("hint: run `git init"), "{}", common::stdout(&out));
}

//! Issue #12: no wrong rewrite of integer code. Python's ints grow where int64 wraps, so every
//! rewrite of integer arithmetic must either stay exact far past int64 (checked arithmetic that
//! falls back to the original) or not be made. Three angles:
//!
//! - the pipeline on classic integer algorithms (DP tables, sentinel minima, degree-3 products,
//!   running products, products of sums, powers): every branch it makes is exact on inputs far
//!   past int64, and carries the new evidence lines;
//! - each rule applied directly to those functions: the same exactness, rule by rule;
//! - known-wrong hand ports of the same functions: `aiaccel check` rejects every one, including
//!   one that is wrong only at the sizes the benchmark runs.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/int_safety")
}

const FUNCTIONS: &[&str] =
    &["partition_count", "chain_order_cost", "cube_total", "lattice_paths", "prefix_products", "sums_product", "smallest_pair_product", "power_total", "max_abs_product", "shift_mix"];

/// Run `exactness.py` on a rewritten module: the rewrite must give Python's exact answers.
fn exact(original: &Path, rewritten_text: &str, function: &str, scratch: &Path) -> Result<(), String> {
    let path = scratch.join(format!("rewritten_{function}.py"));
    std::fs::write(&path, rewritten_text).unwrap();
    // the shared runtime modules the rewrite imports, beside it and importable
    aiaccel::runtime::write_beside(scratch, rewritten_text).unwrap();
    let out = Command::new(common::python())
        .arg(fixtures().join("exactness.py"))
        .arg(original)
        .arg(&path)
        .arg(function)
        .env("PYTHONPATH", scratch)
        .env("NUMBA_CACHE_DIR", scratch.join("numba-cache"))
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{function}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
    }
}

#[test]
fn every_branch_made_of_classic_int_algorithms_is_exact_far_past_int64() {
    let classic = std::fs::read(fixtures().join("classic.py")).unwrap();
    let repo = common::repo(&[("classic.py", &classic)]);
    let out = common::aiaccel(&repo.root, &["rewrite", ".", "--no-llm", "--json"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut branches = 0;
    let mut wrong = Vec::new();
    for f in report["functions"].as_array().unwrap() {
        let Some(branch) = f["branch"].as_str() else { continue };
        branches += 1;
        let name = f["function"].as_str().unwrap();
        let text = common::git(&repo.root, &["show", &format!("{branch}:classic.py")]);
        if let Err(e) = exact(&fixtures().join("classic.py"), &text, name, repo.dir.path()) {
            wrong.push(e);
        }
        // the evidence every branch carries
        let msg = common::git(&repo.root, &["log", "-1", "--format=%B", branch]);
        for line in ["checked at the benchmark sizes: ", "doctests: ", "boundary inputs (guard edges", "grown inputs: "] {
            assert!(msg.contains(line), "{branch}: no `{line}` in the evidence:\n{msg}");
        }
        assert!(!msg.contains("checked at the benchmark sizes: 0 sizes"), "{branch}: the benchmark compared nothing:\n{msg}");
    }
    assert!(wrong.is_empty(), "wrong branches:\n{}", wrong.join("\n"));
    // not vacuous: the checked kernels are fast enough to be accepted on some of them
    assert!(branches >= 2, "expected at least two accelerated functions, got {branches}: {}", common::stdout(&out));
    // the doctest of partition_count (m = 1000) ran against whatever was tried for it
    let partition = report["functions"].as_array().unwrap().iter().find(|f| f["function"] == "partition_count").unwrap();
    assert!(partition["status"] != "accepted" || partition["evidence"]["doctests_passed"].as_u64().unwrap_or(0) >= 2, "{partition}");
}

#[test]
fn each_rule_rewrite_of_int_code_is_exact_far_past_int64() {
    use aiaccel::propose::rules;
    let src = std::fs::read_to_string(fixtures().join("classic.py")).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let mut fired = 0;
    let mut wrong = Vec::new();
    for r in rules::all_rules() {
        for name in FUNCTIONS {
            let f = rules::example_function(&src, name).unwrap();
            let Ok(Ok(candidate)) = rules::apply(&r.code, &f, &src) else { continue };
            fired += 1;
            let module = aiaccel::edit::splice(&src, &f, &candidate).unwrap();
            if let Err(e) = exact(&fixtures().join("classic.py"), &module, name, scratch.path()) {
                wrong.push(format!("{} on {e}", r.code));
            }
        }
    }
    assert!(wrong.is_empty(), "rule rewrites that are not exact:\n{}", wrong.join("\n"));
    assert!(fired >= 6, "the rules fired on only {fired} of the int functions");
}

#[test]
fn known_wrong_int_ports_are_rejected_by_check() {
    let classic = std::fs::read(fixtures().join("classic.py")).unwrap();
    let repo = common::repo(&[("classic.py", &classic)]);
    let cases: Vec<&str> = FUNCTIONS.to_vec();
    let chunks: Vec<Vec<&str>> = vec![cases.iter().step_by(2).copied().collect(), cases.iter().skip(1).step_by(2).copied().collect()];
    let accepted: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                let root = &repo.root;
                s.spawn(move || {
                    let mut bad = Vec::new();
                    for name in chunk {
                        let cand = fixtures().join("wrong").join(format!("{name}.py"));
                        let target = format!("classic.py::{name}");
                        let out = common::aiaccel(root, &["check", &target, "--candidate", cand.to_str().unwrap(), "--no-bench", "--no-capture"]);
                        if out.status.code() != Some(1) {
                            bad.push(format!("{name}: exit {:?}\n{}", out.status.code(), common::stderr(&out)));
                        }
                    }
                    bad
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert!(accepted.is_empty(), "known-wrong int rewrites not rejected:\n{}", accepted.join("\n"));
}

#[test]
fn a_rewrite_wrong_only_at_benchmark_sizes_is_rejected_there() {
    let classic = std::fs::read(fixtures().join("classic.py")).unwrap();
    let repo = common::repo(&[("classic.py", &classic)]);
    let cand = fixtures().join("wrong/prefix_products_at_scale.py");
    // the verifier's own inputs cannot see it...
    let quiet = common::aiaccel(&repo.root, &["check", "classic.py::prefix_products", "--candidate", cand.to_str().unwrap(), "--no-bench", "--no-capture"]);
    assert_eq!(quiet.status.code(), Some(0), "{}", common::stderr(&quiet));
    // ...the benchmark, which runs it on long lists, compares the results and does
    let out = common::aiaccel(&repo.root, &["check", "classic.py::prefix_products", "--candidate", cand.to_str().unwrap(), "--no-capture", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["equivalent"], false);
    assert!(v["verdict"]["message"].as_str().unwrap().starts_with("at the benchmark size "), "{v}");
}

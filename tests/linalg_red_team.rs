//! AX012's wrong rewrites a red team found (tests/fixtures/linalg_red_team): an empty sum that
//! leaves a Python float (ZeroDivisionError where an array gives nan), products that overflow in
//! one order only, a `global` loop variable, floating-point errors set to raise or warnings made
//! errors (partial writes), an accumulator at the edge of overflow, a target overlapping itself
//! in memory, running sums read inside their loop, a sum loop rebinding the outer variable, and
//! indices used after their loop ended. Each is now refused, or its rewrite behaves as the loops
//! do on the input that showed the bug; the ones that are still worth rewriting still are.

mod common;

use std::path::Path;
use std::process::Command;

#[test]
fn the_red_teams_cases_are_refused_or_right() {
    use aiaccel::propose::rules;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/linalg_red_team");
    let src = std::fs::read_to_string(dir.join("kernels.py")).unwrap();
    let mut text = src.clone();
    let mut fired = Vec::new();
    let mut refused = Vec::new();
    for name in ["rowmean", "inv_norm", "pow_temp", "gemm", "global_var", "ediv", "acc", "rowcumsum", "colrunning", "reuse_var", "leak_temp", "leak_plain", "tmp_plus"] {
        // (discovery itself may keep a function out: `global G` writes global state)
        let f = match rules::example_function(&text, name) {
            Ok(f) => f,
            Err(e) => {
                refused.push((name, e.to_string()));
                continue;
            }
        };
        match rules::apply("AX012", &f, &text).unwrap() {
            Ok(cand) => {
                text = aiaccel::edit::splice(&text, &f, &cand).unwrap();
                fired.push(name);
            }
            Err(why) => refused.push((name, why)),
        }
    }
    // what must not be rewritten: the loops' own semantics cannot be kept
    for (name, want) in [
        ("global_var", "global"),
        ("rowcumsum", "running sum"),
        ("colrunning", "running sum"),
        ("reuse_var", "bound again by a loop"),
        ("leak_temp", "after its loop ended"),
        ("leak_plain", "after its loop ended"),
    ] {
        let why = refused.iter().find(|(n, _)| *n == name).map(|(_, w)| w.clone()).unwrap_or_else(|| panic!("{name} was rewritten"));
        assert!(why.contains(want), "{name}: {why}");
    }
    // what still is (the guard, not a refusal, handles their edge inputs)
    for name in ["rowmean", "inv_norm", "pow_temp", "gemm", "ediv", "acc", "tmp_plus"] {
        assert!(fired.contains(&name), "{name} is no longer rewritten: {refused:?}");
    }
    let scratch = tempfile::tempdir().unwrap();
    let rewritten = scratch.path().join("rewritten.py");
    std::fs::write(&rewritten, &text).unwrap();
    aiaccel::runtime::write_beside(scratch.path(), &text).unwrap();
    let out = Command::new(common::python()).arg(dir.join("probe.py")).arg(dir.join("kernels.py")).arg(&rewritten).env("PYTHONPATH", scratch.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bad: Vec<String> = v.as_object().unwrap().iter().filter(|(_, r)| *r != "same").map(|(k, r)| format!("{k}: {r}")).collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

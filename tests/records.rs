//! Issue #13: loops over lists of records. A function that uses a list parameter only as `for
//! p in ps` (with `p.NAME` reads inside), `len(ps)` and `ps[i].NAME` is compiled through its
//! columns form; its stub reads the columns only for lists or tuples of records whose
//! attributes are plain data, and the verifier generates lists of records from the
//! attributes' shapes.

mod common;

use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/records")
}

#[test]
fn record_loops_take_the_kernel_on_plain_records_and_the_original_otherwise() {
    let (v, module) = common::rewrite_and_probe(&fixtures(), "bodies.py", "AX001", &["potential", "nearest"]);
    for (label, ok) in v["same"].as_object().unwrap() {
        assert_eq!(ok, true, "{label}: the rewrite differs from the original: {}", v["detail"][label]);
    }
    let fast = |label: &str| v["fast"][label].as_bool().unwrap_or_else(|| panic!("no probe {label}: {v}"));
    for label in ["potential, Body", "potential, Plain", "potential, Slotted", "potential, NT", "nearest, dataclasses", "mixed classes"] {
        assert!(fast(label), "{label} should take the kernel: {v}");
    }
    for label in ["a property (original path)", "a generator (original path)", "a missing attribute (original path)", "an empty list (original path)"] {
        assert!(!fast(label), "{label} must run the original: {v}");
    }
    assert!(module.contains("def potential(ps, g):\n    _aiaccel_c0 = _aiaccel_columns(ps, (\"x\", \"m\"))\n"), "{module}");
}

#[test]
fn a_record_loop_is_rewritten_end_to_end_on_generated_records() {
    let src = std::fs::read(fixtures().join("bodies.py")).unwrap();
    let repo = common::repo(&[("bodies.py", &src)]);
    let out = common::aiaccel(&repo.root, &["rewrite", ".", "--no-llm", "--no-capture", "--json", "-f", "potential"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &report["functions"][0];
    assert_eq!(f["status"], "accepted", "{f}");
    let replay = common::aiaccel(&repo.root, &["verify", f["branch"].as_str().unwrap()]);
    assert_eq!(replay.status.code(), Some(0), "{}", common::stderr(&replay));
}

//! Issue #13: methods verified on instances. A method that uses `self` only to read attributes
//! (and to write into what they hold) is compiled through its plain form; its stub takes the
//! kernel only when each attribute is plain data on the instance, and the verifier builds
//! instances of the class from the attributes' shapes (or takes the ones captured from the
//! repo's tests), comparing the instance's state after each call.

mod common;

use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/methods")
}

#[test]
fn methods_take_the_kernel_on_plain_attributes_and_the_original_otherwise() {
    let (v, module) = common::rewrite_and_probe(&fixtures(), "records.py", "AX001", &["Grid.smooth", "Particles.step", "Series.energy"]);
    for (label, ok) in v["same"].as_object().unwrap() {
        assert_eq!(ok, true, "{label}: the rewrite differs from the original: {}", v["detail"][label]);
    }
    let fast = |label: &str| v["fast"][label].as_bool().unwrap_or_else(|| panic!("no probe {label}: {v}"));
    for label in ["nested-list attribute, written in place", "__slots__ with ndarray attributes", "dataclass"] {
        assert!(fast(label), "{label} should take the kernel: {v}");
    }
    for label in ["a property in a subclass (original path)", "rows that are one list (original path)", "a missing attribute (original path)", "a data descriptor on the class wins (original path)"] {
        assert!(!fast(label), "{label} must run the original: {v}");
    }
    // the stubs stay in their classes; the plain forms and the kept originals are module-level
    assert!(module.contains("class Grid:\n    def __init__(self, cells):\n        self.cells = cells\n\n    def smooth(self, w):\n        _aiaccel_s = _aiaccel_fields(self, (\"cells\",))"), "{module}");
    assert!(module.contains("\ndef _aiaccel_Particles_step_self_py(self, dt):\n"), "{module}");
}

#[test]
fn a_method_is_rewritten_end_to_end_on_generated_and_captured_instances() {
    let src = std::fs::read(fixtures().join("records.py")).unwrap();
    let test = b"import numpy as np\nfrom records import Grid, Particles\n\n\ndef test_smooth():\n    g = Grid([[float(i * j) for j in range(40)] for i in range(40)])\n    g.smooth(0.25)\n    assert g.cells[1][1] == 0.25 * (0.0 + 2.0 + 0.0 + 2.0)\n\n\ndef test_step():\n    p = Particles(np.zeros((50, 3)), np.ones((50, 3)))\n    p.step(0.5)\n    assert p.x[0, 0] == 0.5\n";
    let repo = common::repo(&[("records.py", &src), ("test_records.py", test)]);
    let out = common::aiaccel(&repo.root, &["rewrite", ".", "--no-llm", "--json", "-f", "Particles.step", "-f", "Grid.smooth", "-f", "LazySeries.values"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let by = |q: &str| report["functions"].as_array().unwrap().iter().find(|f| f["function"] == q).cloned().unwrap_or_else(|| panic!("no {q} in {report}"));
    let step = by("Particles.step");
    assert_eq!(step["status"], "accepted", "{step}");
    assert!(step["captured_calls"].as_u64().unwrap() >= 1, "the test's instance is captured: {step}");
    let smooth = by("Grid.smooth");
    assert_ne!(smooth["status"], "skipped", "{smooth}");
    // the branch's module runs, and its evidence replays
    let branch = step["branch"].as_str().unwrap();
    let replay = common::aiaccel(&repo.root, &["verify", branch]);
    assert_eq!(replay.status.code(), Some(0), "{}", common::stderr(&replay));
    assert_eq!(common::git(&repo.root, &["status", "--porcelain"]), "", "the worktree is left alone");
}

#[test]
fn a_method_that_assigns_self_is_skipped_with_the_reason() {
    let src = b"class Acc:\n    def add_all(self, xs):\n        for x in xs:\n            self.total = self.total + x * x\n";
    let repo = common::repo(&[("acc.py", src)]);
    let out = common::aiaccel(&repo.root, &["rewrite", ".", "--no-llm", "--no-capture", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &report["functions"][0];
    assert_eq!(f["status"], "skipped", "{f}");
    assert!(f["reason"].as_str().unwrap().contains("assigns `self.total`"), "{f}");
}

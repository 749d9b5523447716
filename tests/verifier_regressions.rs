//! Verifier bugs that code aiaccel had never seen exposed (issue #12), each with a right rewrite
//! that must now be accepted by `aiaccel check`:
//!
//! - in-place functions (an LU factorisation on lists, an SOR sweep on an ndarray): every run of
//!   the original gets its own copy, so the determinism check does not see the first run's
//!   mutation (and `grid[i, j]` makes `grid` a 2-D array);
//! - classes defined in the module under test (a dataclass, a `__slots__` record without `__eq__`)
//!   are compared by qualified name and by value across the original's and the candidate's
//!   module copies, not by identity;
//! - an int driving factorial work: inputs on which the original itself is too slow are dropped,
//!   and the evidence says so;
//! - an int number parameter that comes back as it went in (`b = lo; b = max(b, x[i])`): a
//!   compiled kernel that unified it with the floats must be rejected, so the generated inputs
//!   give such parameters ints among float data.

mod common;

use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/verifier_regressions")
}

fn check(function: &str, kind: &str) -> (Option<i32>, serde_json::Value, String) {
    let bits = std::fs::read(fixtures().join("bits.py")).unwrap();
    let repo = common::repo(&[("bits.py", &bits)]);
    let cand = fixtures().join(kind).join(format!("{function}.py"));
    let target = format!("bits.py::{function}");
    let out = common::aiaccel(&repo.root, &["check", &target, "--candidate", cand.to_str().unwrap(), "--no-bench", "--no-capture", "--json"]);
    let v = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code(), v, common::stderr(&out))
}

#[test]
fn in_place_functions_are_deterministic_on_their_own_copies() {
    for f in ["lu_in_place", "sor_sweep"] {
        let (code, v, err) = check(f, "right");
        assert_eq!(code, Some(0), "{f}: {err}");
        assert_eq!(v["equivalent"], true, "{f}: {v}");
        assert!(v["verdict"]["cases"].as_u64().unwrap() >= 20, "{f}: {v}");
    }
}

#[test]
fn classes_of_the_module_are_compared_by_value_across_module_copies() {
    for f in ["centre_of", "span_of"] {
        let (code, v, err) = check(f, "right");
        assert_eq!(code, Some(0), "{f}: {err}");
        assert_eq!(v["equivalent"], true, "{f}: {v}");
    }
    // by value: a Point with the wrong fields is still caught
    let (code, v, err) = check("centre_of", "wrong");
    assert_eq!(code, Some(1), "{err}");
    assert!(v["verdict"]["message"].as_str().unwrap().contains("return value.x"), "{v}");
}

#[test]
fn inputs_on_which_the_original_is_too_slow_are_dropped_and_reported() {
    let (code, v, err) = check("count_orderings", "right");
    assert_eq!(code, Some(0), "{err}");
    let dropped = v["evidence"]["dropped_slow"].as_u64().unwrap();
    assert!(dropped >= 1, "{v}");
    assert!(v["evidence"]["dropped_labels"].as_array().unwrap().iter().any(|l| l.as_str().unwrap().contains("n=")), "{v}");
}

#[test]
fn an_int_parameter_that_comes_back_unified_with_floats_is_caught() {
    let (code, v, err) = check("best_from", "wrong");
    assert_eq!(code, Some(1), "{err}");
    let msg = v["verdict"]["message"].as_str().unwrap();
    assert!(msg.contains("type int vs float"), "{v}");
}

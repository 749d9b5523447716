//! Classic algorithms in plain Python, of the kind benchmark suites and textbooks hold (issue
//! #13's unseen-code trial): dynamic programming over int tables and permutation counting.
//!
//! - `lcs_len`: a table of `max(...)` and `+ 1` of its own cells is an int table, compiled as
//!   int64 (it used to take the inputs' dtype and come back 0.0 where Python has 0);
//! - `knapsack`: a table filled with `[0] * n` whose dtype follows the inputs runs compiled only
//!   on int data: on float data a cell the body never writes stays the int 0 in Python;
//! - `fannkuch(n)`: a size parameter driving factorial work is benchmarked from a size the
//!   original finishes on, not from a fixed n = 16 (which never finishes).

mod common;

use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/classic")
}

#[test]
fn int_tables_compile_as_int64_and_float_data_keeps_the_original_where_cells_stay_ints() {
    let (v, _) = common::rewrite_and_probe(&fixtures(), "cases.py", "AX001", &["fannkuch", "knapsack", "lcs_len"]);
    for (label, same) in v["same"].as_object().unwrap() {
        assert_eq!(same, true, "{label}: the rewrite's result differs from the original's: {v}");
    }
    let fast = |label: &str| v["fast"][label].as_bool().unwrap_or_else(|| panic!("no probe {label}: {v}"));
    for label in ["knapsack on ints", "knapsack, nothing fits (ints)", "lcs on strings", "lcs on int lists", "lcs, nothing shared", "fannkuch 7"] {
        assert!(fast(label), "{label} should take the kernel: {v}");
    }
    for label in ["knapsack, float values (original path)", "knapsack, float values, nothing fits (original path)"] {
        assert!(!fast(label), "{label} must run the original: {v}");
    }
}

#[test]
fn a_size_parameter_driving_factorial_work_is_benchmarked_where_the_original_finishes() {
    let src = std::fs::read(fixtures().join("cases.py")).unwrap();
    let repo = common::repo(&[("cases.py", &src)]);
    let out = common::aiaccel(&repo.root, &["rewrite", ".", "--no-llm", "--json", "--dry-run", "--function", "fannkuch"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&common::stdout(&out)).unwrap();
    let f = &report["functions"][0];
    let c = &f["candidates"][0];
    let sizes = c["timing"]["sizes"].as_array().unwrap_or_else(|| panic!("no timings: {f}"));
    let largest = sizes.iter().filter_map(|s| s["size"].as_str()?.parse::<u64>().ok()).max().unwrap();
    assert!((2..16).contains(&largest), "timed at n={largest}: {c}");
    assert_eq!(f["status"], "accepted", "{f}");
}

//! What red-team sessions found wrong in accepted rewrites, kept fixed: int lists through
//! bodies that make floats, module state frozen at compile time, `round(x, ndigits)`, rows
//! shared through a tuple, a read-only array that the body writes, an int number parameter that
//! comes back unified with the floats it met. (Lone surrogates, rows that are one list and one
//! list for two arguments are in tests/sequence_kernels.rs; abs, //, % and >> at int64's edges
//! in tests/int_safety.rs.)

mod common;

use aiaccel::propose::rules;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/red_team")
}

#[test]
fn rewrites_that_went_wrong_once_match_the_original_now() {
    let (v, module) = common::rewrite_and_probe(&fixtures(), "cases.py", "AX001", &["ema", "lu_inplace", "scaled_update", "pair_scaled", "matmul_acc", "copy_and_mark", "best_from", "total_from"]);
    assert_eq!(v.as_object().unwrap().len(), 13, "{v}");
    for (label, verdict) in v.as_object().unwrap() {
        assert_eq!(verdict, "same", "{label}: {verdict}");
    }
    // the module state is an argument of the kernel, read at each call
    assert!(module.contains("_pair_scaled_kernel(_a_xs, SCALE, OFFSETS)"), "{module}");
    // a number that may come back as it went in takes the fast path only as a float
    assert!(module.contains("or type(lo) is not float") && module.contains("or type(start) is not float"), "{module}");
}

#[test]
fn rewrites_that_cannot_be_made_exact_are_not_proposed() {
    let src = std::fs::read_to_string(fixtures().join("cases.py")).unwrap();
    let why = |name: &str| {
        let f = rules::example_function(&src, name).unwrap();
        rules::apply("AX001", &f, &src).unwrap().expect_err(name)
    };
    assert!(why("round2").contains("round(2.675, 2)"), "{}", why("round2"));
    assert!(why("perm_dot").contains("reads module state (`PERM`)"), "{}", why("perm_dot"));
}

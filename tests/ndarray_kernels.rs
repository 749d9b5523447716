//! AX001 on NumPy-array code (issue #13, first part): parameters used as ndarrays (`.shape`,
//! `a[i, j]`) go to the kernel as they are, in any layout; dtypes whose compiled arithmetic
//! differs from NumPy's (float32, narrow ints, bool) and subclasses (np.matrix) take the original
//! path; in-place writes reach the caller's buffer; a returned argument is the caller's object;
//! a scalar computed from elements comes back as the NumPy scalar the loop would give; in a
//! module that imports NumPy, parameters indexed like lists take ndarrays too.

mod common;

use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ndarray")
}

#[test]
fn ndarray_parameters_take_the_kernel_as_they_are_and_keep_numpy_semantics() {
    let (v, _) = common::rewrite_and_probe(&fixtures(), "kernels.py", "AX001", &["pairwise_dist", "relax", "scale_rows", "total", "dot_list", "scale_list", "scale_both", "blend_with_table", "bin_counts"]);
    for (label, ok) in v["same"].as_object().unwrap() {
        assert_eq!(ok, true, "{label}: the rewrite's result differs from the original's: {v}");
    }
    let fast = |label: &str| v["fast"][label].as_bool().unwrap_or_else(|| panic!("no probe {label}: {v}"));
    for label in ["float64", "int64", "complex128", "fortran", "strided view", "in place", "in place, fortran", "returned argument", "numpy scalar result"] {
        assert!(fast(label), "{label} should take the kernel: {v}");
    }
    // list-indexed parameters in a module that imports NumPy: ndarrays of the list's element
    // type take the kernel too (a NumPy scalar back where the loop would make one)
    for label in ["list-indexed: ndarrays", "list-indexed: lists", "list-indexed: in place, ndarray", "list-indexed: in place, list"] {
        assert!(fast(label), "{label} should take the kernel: {v}");
    }
    // what red-team sessions found: a read-only written output, a float range bound, the module's
    // own table as the written argument, lists mixed with ndarrays, a division by zero that
    // NumPy scalars and floats treat apart: each runs the original
    for label in ["both written, lists", "a written list apart from the table", "bins on a list"] {
        assert!(fast(label), "{label} should take the kernel: {v}");
    }
    for label in [
        "written, read-only second output (original path)",
        "written, list and read-only ndarray (original path)",
        "a float loop bound (original path)",
        "a list and an ndarray (original path)",
        "list-indexed: a list and an ndarray",
        "the written argument is the module's table (original path)",
        "zero-width bins on an ndarray (original path)",
    ] {
        assert!(!fast(label), "{label} must run the original: {v}");
    }
    for label in ["float32 (original path)", "matrix subclass (original path)", "list-indexed: float32 (original path)", "list-indexed: int64 ndarrays (original path, as int lists)"] {
        assert!(!fast(label), "{label} must run the original: {v}");
    }
}

#[test]
fn an_ndarray_function_is_verified_and_accelerated_end_to_end() {
    let src = std::fs::read(fixtures().join("kernels.py")).unwrap();
    let repo = common::repo(&[("kernels.py", &src)]);
    let out = common::aiaccel(&repo.root, &["rewrite", ".", "--no-llm", "--json", "--function", "pairwise_dist", "--function", "relax"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for name in ["pairwise_dist", "relax"] {
        let f = report["functions"].as_array().unwrap().iter().find(|f| f["function"] == name).unwrap();
        assert_eq!(f["status"], "accepted", "{name}: {f}");
        assert!(f["speedup"].as_f64().unwrap() > 5.0, "{name}: {f}");
    }
}

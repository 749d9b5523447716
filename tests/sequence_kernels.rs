//! AX001 beyond lists of floats (issue #13): a `str` whose characters are only compared with
//! each other goes to the kernel as code points, `bytes` as its ints, a float-shaped list of
//! ints as int64 where the body keeps no float of its own; `row[:]` stays a copy; a function
//! whose loops live in a module helper is found and compiled with it; NumPy code that mixes
//! array divisions (inf/nan) with Python ones (ZeroDivisionError) keeps both rules.

mod common;

use aiaccel::propose::rules;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sequences")
}

const NAMES: &[&str] = &["levenshtein", "count_vowel_runs", "checksum", "shortest_paths", "smooth", "chain3", "diffuse", "box_blur", "bump_diagonal", "window_into"];

/// The fixture with `rule` applied to each of `names`, probed against the original; every
/// probe's result must be the original's.
fn probe(rule: &str, names: &[&str]) -> serde_json::Value {
    let (v, _) = common::rewrite_and_probe(&fixtures(), "kernels.py", rule, names);
    for (label, ok) in v["same"].as_object().unwrap() {
        assert_eq!(ok, true, "{label}: the rewrite differs from the original: {}", v["detail"][label]);
    }
    v
}

#[test]
fn text_bytes_int_weights_row_copies_helpers_and_mixed_divisions_keep_the_originals_results() {
    let v = probe("AX001", NAMES);
    let fast = |label: &str| v["fast"][label].as_bool().unwrap_or_else(|| panic!("no probe {label}: {v}"));
    for label in [
        "str",
        "str, non-ASCII",
        "int lists",
        "bytes",
        "bytes checksum",
        "int list checksum",
        "int weights",
        "float weights",
        "row copies",
        "helper-only loops",
        "mixed divisions",
        "mixed divisions, dx = 0",
        "mixed divisions, dt = 0",
        "box blur",
        "box blur, int image",
        "tuple rows",
        "array.array",
        "array.array of floats",
        "str, lone surrogate",
        "distinct rows",
        "two lists",
        "literal compare, str",
    ] {
        assert!(fast(label), "{label} should take the kernel: {v}");
    }
    for label in ["str vs int list (original path)", "literal compare, bytes (original path)", "literal compare, int list (original path)", "rows that are one list (original path)", "one list for two arguments (original path)"] {
        assert!(!fast(label), "{label} must run the original: {v}");
    }
}

#[test]
fn a_parallel_kernel_over_a_numpy_output_runs_compiled() {
    // AX002: the outer row loop of an image filter writing out[i, j] goes to prange, and the
    // kernel (float arithmetic through the flag-reporting helpers) compiles and runs
    let v = probe("AX002", &["box_blur"]);
    for label in ["box blur", "box blur, int image"] {
        assert_eq!(v["fast"][label], true, "{label} should take the parallel kernel: {v}");
    }
}

#[test]
fn the_adapter_says_which_sequences_it_takes() {
    let src = std::fs::read_to_string(fixtures().join("kernels.py")).unwrap();
    let cand = |name: &str| {
        let f = rules::example_function(&src, name).unwrap();
        rules::apply("AX001", &f, &src).unwrap().unwrap()
    };
    // characters compared with each other: str too (and, the module importing NumPy, ndarrays
    // of the lists' element type: `nd=True`); with one-character literals: a str alone, the
    // literals its code points in the kernel
    assert!(cand("levenshtein").contains("_aiaccel_arr(a, 1, None, nd=True, seq=7)"));
    let vowels = cand("count_vowel_runs");
    assert!(vowels.contains("_a_s = _aiaccel_text(s)") && vowels.contains("v = s[i] == 97 or s[i] == 101"), "{vowels}");
    // a str and a list compared with each other: 'a' == 97 is False in Python
    assert!(cand("levenshtein").contains("len({type(a) is str, type(b) is str}) > 1"));
    // a body with a float literal keeps int lists on the original path (a float local would
    // turn the ints it takes into floats)
    // (and a written matrix takes no rows that are one list: `mut=True`); `tmp`, a whole copy
    // of the list, is the array's copy, and an ndarray `grid` runs the original: there
    // `row[:]` is a view of grid's row, and the original's writes to tmp reach grid
    let smooth = cand("smooth");
    assert!(smooth.contains("_aiaccel_arr(grid, 2, float, mut=True)") && smooth.contains("tmp = grid.copy()"), "{smooth}");
    assert!(cand("shortest_paths").contains("_aiaccel_arr(dist, 2, None, nd=True, mut=True)"));
    // read-only and not returned: tuples and array.array too
    assert!(cand("chain3").contains("_aiaccel_arr(A, 2, float, seq=4)"));
    // one list passed for two arguments of a function that writes one: the original path
    assert!(cand("window_into").contains("_aiaccel_shared(dst, src)"));
    // Python divisions raise, array ones follow NumPy
    let d = cand("diffuse");
    assert!(d.contains("error_model=\"numpy\""), "{d}");
    assert!(d.contains("_aiaccel_pdiv(dt, (_aiaccel_mul(dx, dx)))"), "{d}");
}

#[test]
fn a_function_whose_loops_are_in_a_helper_is_discovered_with_the_helpers_shapes() {
    let src = std::fs::read_to_string(fixtures().join("kernels.py")).unwrap();
    let (fs, _) = aiaccel::discover::functions_in("kernels.py", &src).unwrap();
    let f = fs.iter().find(|f| f.name == "chain3").expect("chain3 is a candidate through _matmul");
    assert_eq!(f.loop_depth, 3);
    assert!(f.params.iter().all(|p| p.shape == aiaccel::discover::ParamShape::FloatMatrix), "{:?}", f.params);
    assert!(f.reasons[0].contains("`_matmul`"), "{:?}", f.reasons);
}

#[test]
fn text_and_helper_only_functions_are_accelerated_end_to_end() {
    let src = std::fs::read(fixtures().join("kernels.py")).unwrap();
    let test = b"from kernels import levenshtein, chain3\n\n\ndef test_it():\n    assert levenshtein('kitten' * 40, 'sitting' * 40) == 120\n    m = [[float(i + j) for j in range(60)] for i in range(60)]\n    assert len(chain3(m, m, m)) == 60\n";
    let repo = common::repo(&[("kernels.py", &src), ("tests/test_kernels.py", test)]);
    let out = common::aiaccel(&repo.root, &["rewrite", ".", "--no-llm", "--json", "--function", "levenshtein", "--function", "chain3"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for name in ["levenshtein", "chain3"] {
        let f = report["functions"].as_array().unwrap().iter().find(|f| f["function"] == name).unwrap_or_else(|| panic!("{name} not in {report}"));
        assert_eq!(f["status"], "accepted", "{name}: {f}");
        assert!(f["speedup"].as_f64().unwrap() > 3.0, "{name}: {f}");
    }
}

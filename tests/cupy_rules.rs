//! AX020 cupy-linalg on a machine without a GPU (issue #16): the rewritten module imports and
//! runs without CuPy and computes on the CPU; with a stand-in CuPy (NumPy underneath, counting
//! transfers: tests/fixtures/cupy/fake) the products go through the "device" above the work
//! threshold, stay on the CPU below it, with AIACCEL_GPU=0, with no device, and when the device
//! fails; the pipeline skips CuPy candidates with a note where no GPU is visible. The kernels are
//! eval/gpu/kernels.py, the ones scripts/gpu_check.sh runs on the GPU machine.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cupy")
}

fn kernels() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/gpu/kernels.py")
}

/// eval/gpu/kernels.py with gemm, mvt and two_mm rewritten by `rule`, written with its runtime modules into a
/// scratch directory.
fn rewritten(rule: &str) -> (tempfile::TempDir, PathBuf, String) {
    use aiaccel::propose::rules;
    let mut text = std::fs::read_to_string(kernels()).unwrap();
    for name in ["gemm", "mvt", "two_mm"] {
        let f = rules::example_function(&text, name).unwrap();
        let cand = rules::apply(rule, &f, &text).unwrap().unwrap_or_else(|why| panic!("{rule} does not fire on {name}: {why}"));
        text = aiaccel::edit::splice(&text, &f, &cand).unwrap();
    }
    let scratch = tempfile::tempdir().unwrap();
    let path = scratch.path().join("rewritten.py");
    std::fs::write(&path, &text).unwrap();
    aiaccel::runtime::write_beside(scratch.path(), &text).unwrap();
    (scratch, path, text)
}

/// Run the probe: `fake` puts the stand-in CuPy on the path with FAKE_CUPY=`fake`.
fn probe(dir: &Path, rewritten: &Path, fake: Option<&str>, env: &[(&str, &str)], n: usize) -> serde_json::Value {
    let mut path = dir.display().to_string();
    let mut cmd = Command::new(common::python());
    if let Some(mode) = fake {
        path = format!("{path}:{}", fixtures().join("fake").display());
        cmd.env("FAKE_CUPY", mode);
    }
    cmd.arg(fixtures().join("probe.py")).arg(kernels()).arg(rewritten).arg(n.to_string()).env("PYTHONPATH", path).env_remove("AIACCEL_GPU").env_remove("AIACCEL_GPU_MIN_WORK");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn assert_same(v: &serde_json::Value) {
    for (name, d) in v["diff"].as_object().unwrap() {
        assert!(d.as_f64().unwrap() < 1e-13, "{name} differs from the original: {v}");
    }
    for (name, t) in v["types"].as_object().unwrap() {
        assert!(!t.to_string().contains("_Device"), "{name} handed a device array to the caller: {v}");
    }
}

#[test]
fn without_cupy_the_rewrite_imports_and_computes_on_the_cpu() {
    let (dir, path, text) = rewritten("AX020");
    // CuPy is never imported at module level: only inside the helper, at a call that asks
    assert!(!text.contains("import cupy"), "{text}");
    let v = probe(dir.path(), &path, None, &[], 12);
    assert_same(&v);
    assert_eq!(v["cupy_imported"], false, "{v}");
}

#[test]
fn with_a_device_the_products_go_there_above_the_threshold_only() {
    let (dir, path, _) = rewritten("AX020");
    // the threshold at 0: every product through the device (operands there, result back)
    let v = probe(dir.path(), &path, Some("ok"), &[("AIACCEL_GPU_MIN_WORK", "0")], 12);
    assert_same(&v);
    assert_eq!(v["cupy_imported_at_load"], false, "{v}");
    // gemm: A, B; mvt: A twice with y1, y2; two_mm: A, B, then tmp, C
    assert_eq!(v["sent"], serde_json::json!({"gemm": 2, "mvt": 4, "two_mm": 4}), "{v}");
    assert_eq!(v["calls"]["asnumpy"], 5, "{v}");
    // the default threshold (2**24 multiply-adds): these small products stay on the CPU
    let v = probe(dir.path(), &path, Some("ok"), &[], 12);
    assert_same(&v);
    assert_eq!(v["calls"]["asarray"], 0, "{v}");
    // the machine's own threshold, between the nests' work at n=12: gemm 12*13*14 = 2184,
    // mvt 12*12 per nest, two_mm 12*14*13 = 2184 and then 12*15*14 = 2520: only two_mm's
    // second product goes
    let v = probe(dir.path(), &path, Some("ok"), &[("AIACCEL_GPU_MIN_WORK", "2500")], 12);
    assert_same(&v);
    assert_eq!(v["sent"], serde_json::json!({"gemm": 0, "mvt": 0, "two_mm": 2}), "{v}");
}

#[test]
fn a_failing_or_missing_device_and_aiaccel_gpu_0_keep_it_on_the_cpu() {
    let (dir, path, _) = rewritten("AX020");
    for (fake, env) in [("fail", vec![("AIACCEL_GPU_MIN_WORK", "0")]), ("nodevice", vec![("AIACCEL_GPU_MIN_WORK", "0")]), ("ok", vec![("AIACCEL_GPU_MIN_WORK", "0"), ("AIACCEL_GPU", "0")])] {
        let v = probe(dir.path(), &path, Some(fake), &env, 12);
        assert_same(&v);
        // (AIACCEL_GPU=0: CuPy is not even imported)
        assert!(v["calls"].is_null() || v["calls"]["asnumpy"] == 0, "{fake} {env:?}: {v}");
        assert!(v["calls"].is_null() || v["calls"]["asarray"] == 0, "{fake} {env:?}: {v}");
    }
}

#[test]
fn element_wise_nests_are_left_to_the_cpu_rule() {
    use aiaccel::propose::rules;
    let src = "import numpy as np\n\ndef outer(A, u, v):\n    n, m = A.shape\n    for i in range(n):\n        for j in range(m):\n            A[i, j] = A[i, j] + u[i] * v[j]\n";
    let f = rules::example_function(src, "outer").unwrap();
    let why = rules::apply("AX020", &f, src).unwrap().unwrap_err();
    assert!(why.contains("do not pay for copying"), "{why}");
    assert!(rules::apply("AX012", &f, src).unwrap().is_ok());
}

/// `aiaccel rewrite` on a machine without a GPU: the CuPy candidate is skipped with a note in
/// the report, not an error, and the CPU rewrite of the same nest is accepted.
#[test]
fn the_pipeline_skips_cupy_candidates_without_a_gpu() {
    let kernels = std::fs::read(kernels()).unwrap();
    let repo = common::repo(&[("kernels.py", &kernels)]);
    let out = common::aiaccel(&repo.root, &["rewrite", ".", "--no-llm", "--no-capture", "--dry-run", "-f", "gemm", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}\n{}", common::stdout(&out), common::stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", common::stdout(&out)));
    let f = report["functions"].as_array().unwrap().iter().find(|f| f["function"] == "gemm").unwrap_or_else(|| panic!("{report}")).clone();
    let cands = f["candidates"].as_array().unwrap();
    let cupy = cands.iter().find(|c| c["label"] == "cupy-linalg").unwrap_or_else(|| panic!("{f}"));
    assert_eq!(cupy["verdict"], "skipped_no_gpu", "{cupy}");
    assert!(cupy["message"].as_str().unwrap_or_default().contains("no GPU here"), "{cupy}");
    let linalg = cands.iter().find(|c| c["label"] == "numpy-linalg").unwrap_or_else(|| panic!("{f}"));
    assert_eq!(linalg["verdict"], "accepted", "{linalg}");
    // (which of AX012 and AX001 the benchmark picks is a timing: both are accepted)
    assert!(matches!(f["origin"].as_str(), Some("rule:AX012") | Some("rule:AX001")), "{f}");
    // --strategies names the families: the compiled loop is left out, and says why
    let out = common::aiaccel(&repo.root, &["rewrite", ".", "--no-llm", "--no-capture", "--dry-run", "-f", "gemm", "--json", "--strategies", "vectorize,cupy"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = report["functions"].as_array().unwrap().iter().find(|f| f["function"] == "gemm").unwrap().clone();
    let ax001 = f["candidates"].as_array().unwrap().iter().find(|c| c["origin"] == "rule:AX001").unwrap_or_else(|| panic!("{f}")).clone();
    assert_eq!(ax001["verdict"], "excluded_by_config", "{ax001}");
    assert!(ax001["message"].as_str().unwrap().contains("vectorize, cupy"), "{ax001}");
    assert_eq!(f["origin"], "rule:AX012", "{f}");
    let bad = common::aiaccel(&repo.root, &["rewrite", ".", "--no-llm", "--strategies", "gpu"]);
    assert_eq!(bad.status.code(), Some(2), "{}", common::stderr(&bad));
    assert!(common::stderr(&bad).contains("not a strategy"), "{}", common::stderr(&bad));
}

/// scripts/gpu_check.sh, the one command for the GPU machine, runs here too: without CuPy (the
/// GPU columns empty) and with the stand-in CuPy (every column filled, the "device" results
/// compared with the CPU rewrite's), so that the one try on the GPU machine does not fail on
/// the script itself.
#[test]
fn the_gpu_check_script_runs_without_a_gpu() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = tempfile::tempdir().unwrap();
    for fake in [false, true] {
        let md = out_dir.path().join(format!("gpu_{fake}.md"));
        let mut cmd = Command::new("bash");
        cmd.arg(root.join("scripts/gpu_check.sh")).arg("--quick").arg("--out").arg(&md).env("AIACCEL_BIN", common::bin()).env("PYTHON", common::python());
        if fake {
            cmd.env("PYTHONPATH", fixtures().join("fake")).env("FAKE_CUPY", "ok");
        } else {
            cmd.env_remove("PYTHONPATH");
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        let text = std::fs::read_to_string(&md).unwrap();
        assert!(text.contains("| gemm | equivalent |") && text.contains("| mvt | equivalent |"), "{text}");
        if fake {
            assert!(text.contains("- gpu: fake device (NumPy)"), "{text}");
            assert!(text.contains("| yes |") && !text.contains("| NO |"), "{text}");
        } else {
            assert!(text.contains("- gpu: none"), "{text}");
            assert!(text.contains("- gemm: no GPU"), "{text}");
        }
    }
}

//! `pip install aiaccel`: the wheel scripts/test.sh builds with maturin (target/wheels) installs
//! into a fresh venv, and the `aiaccel` it puts on that venv's PATH runs: `--version`, and
//! `rewrite --no-llm` on the bundled example, which makes a branch.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn wheel() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/wheels");
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir).ok()?.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "whl") && p.file_name().unwrap().to_string_lossy().starts_with("aiaccel-")).collect();
    found.sort();
    found.pop()
}

#[test]
fn the_wheel_installs_into_a_fresh_venv_and_runs() {
    let Some(whl) = wheel() else {
        assert!(std::env::var_os("CI").is_none(), "scripts/test.sh builds the wheel before the tests: target/wheels has none");
        eprintln!("SKIPPED the_wheel_installs_into_a_fresh_venv_and_runs: no wheel in target/wheels (scripts/test.sh builds one with maturin)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let venv = dir.path().join("venv");
    let st = Command::new("python3").args(["-m", "venv"]).arg(&venv).status().unwrap();
    assert!(st.success());
    let pip = Command::new(venv.join("bin/python")).args(["-m", "pip", "install", "-q", "--no-index", "--disable-pip-version-check"]).arg(&whl).output().unwrap();
    assert!(pip.status.success(), "pip install {}: {}", whl.display(), String::from_utf8_lossy(&pip.stderr));
    let exe = venv.join("bin/aiaccel");
    assert!(exe.exists(), "the wheel puts aiaccel on the venv's PATH");
    let v = Command::new(&exe).arg("--version").output().unwrap();
    assert!(v.status.success());
    assert_eq!(String::from_utf8_lossy(&v.stdout).trim(), format!("aiaccel {}", env!("CARGO_PKG_VERSION")));

    // the installed binary does the main job (with the test interpreter, not a managed venv)
    let repo = common::repo_from("examples/legacy_numeric");
    let out = Command::new(&exe)
        .args(["rewrite", ".", "--no-llm", "--no-capture", "--json", "--function", "legacy_numeric/grid.py::matmul"])
        .current_dir(&repo.root)
        .env("AIACCEL_PYTHON", common::python())
        .env("AIACCEL_CACHE_DIR", repo.dir.path().join("cache"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["summary"]["accepted"], 1, "{r:#}");
    assert!(common::git(&repo.root, &["branch", "--list", "aiaccel/*"]).contains("aiaccel/legacy_numeric.grid/matmul"));
}

//! Helpers for the integration tests: temp git repos, the real binary, the test interpreter.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The interpreter with numpy + numba the tests run candidates with. `.ci/run` (and
/// scripts/test.sh) create it and export AIACCEL_PYTHON; a missing one is a setup error, not a
/// reason to skip.
pub fn python() -> PathBuf {
    let p = std::env::var_os("AIACCEL_PYTHON")
        .map(PathBuf::from)
        .or_else(|| {
            let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-ci/bin/python");
            venv.exists().then_some(venv)
        })
        .expect("set AIACCEL_PYTHON to a Python with numpy, numba and pytest (scripts/test.sh does this)");
    p
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_aiaccel"))
}

/// Run the aiaccel binary in `cwd` with the test interpreter and a private cache dir.
pub fn aiaccel(cwd: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .env("AIACCEL_PYTHON", python())
        .env("AIACCEL_CACHE_DIR", cwd.join("..").join("aiaccel-cache"))
        .output()
        .expect("running aiaccel")
}

pub fn git(cwd: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("git");
    assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// A temp dir holding `repo/`, a git repo with `files` committed on main.
pub struct TempRepo {
    pub dir: tempfile::TempDir,
    pub root: PathBuf,
}

pub fn repo(files: &[(&str, &[u8])]) -> TempRepo {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    std::fs::create_dir_all(&root).unwrap();
    git(&root, &["init", "-q"]);
    for (path, content) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    if !files.is_empty() {
        git(&root, &["add", "-A"]);
        git(&root, &["commit", "-q", "-m", "initial"]);
    }
    TempRepo { dir, root }
}

/// Copy a folder of this checkout (e.g. examples/legacy_numeric) into a fresh temp repo.
pub fn repo_from(dir_in_checkout: &str) -> TempRepo {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir_in_checkout);
    let mut files = Vec::new();
    collect(&src, &src, &mut files);
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(p, c)| (p.as_str(), c.as_slice())).collect();
    repo(&borrowed)
}

fn collect(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name == "__pycache__" || name == ".pytest_cache" {
            continue;
        }
        if p.is_dir() {
            collect(base, &p, out);
        } else {
            out.push((p.strip_prefix(base).unwrap().to_string_lossy().to_string(), std::fs::read(&p).unwrap()));
        }
    }
}

/// Every file under `root` (except .git) with its bytes, for before/after comparisons.
pub fn tree_bytes(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    walk(root, root, &mut v);
    v.sort();
    v
}

fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() == ".git" {
            continue;
        }
        let rel = p.strip_prefix(base).unwrap().to_string_lossy().to_string();
        let meta = std::fs::symlink_metadata(&p).unwrap();
        if meta.file_type().is_symlink() {
            // a link is its target path (links may loop: never follow them)
            out.push((rel, std::fs::read_link(&p).unwrap().to_string_lossy().as_bytes().to_vec()));
        } else if meta.is_dir() {
            walk(base, &p, out);
        } else {
            out.push((rel, std::fs::read(&p).unwrap()));
        }
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Apply `rule` to each of `names` in `dir/module` (one module, rewritten function by function),
/// then run `dir/probe.py ORIGINAL REWRITE` and parse the JSON it prints. Returns it with the
/// rewritten module's text.
pub fn rewrite_and_probe(dir: &Path, module: &str, rule: &str, names: &[&str]) -> (serde_json::Value, String) {
    use aiaccel::propose::rules;
    let src = std::fs::read_to_string(dir.join(module)).unwrap();
    let mut text = src.clone();
    for name in names {
        let f = rules::example_function(&text, name).unwrap();
        let shapes: Vec<String> = f.params.iter().map(|p| format!("{:?}", p.shape)).collect();
        let cand = rules::apply(rule, &f, &text).unwrap().unwrap_or_else(|why| panic!("{rule} does not fire on {name} ({shapes:?}): {why}"));
        text = aiaccel::edit::splice(&text, &f, &cand).unwrap();
    }
    let scratch = tempfile::tempdir().unwrap();
    let rewritten = scratch.path().join("rewritten.py");
    std::fs::write(&rewritten, &text).unwrap();
    // the shared runtime modules the rewrite imports, beside it and importable
    aiaccel::runtime::write_beside(scratch.path(), &text).unwrap();
    let out = Command::new(python())
        .arg(dir.join("probe.py"))
        .arg(dir.join(module))
        .arg(&rewritten)
        .env("PYTHONPATH", scratch.path())
        .env("NUMBA_CACHE_DIR", scratch.path().join("numba-cache"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (serde_json::from_slice(&out.stdout).unwrap(), text)
}

/// `aiaccel rewrite . --no-capture --dry-run --json` with `extra` in `root`, which must succeed:
/// the report and stderr.
pub fn rewrite_report(root: &Path, extra: &[&str]) -> (serde_json::Value, String) {
    let mut args = vec!["rewrite", ".", "--no-capture", "--dry-run", "--json"];
    args.extend_from_slice(extra);
    let out = aiaccel(root, &args);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    (serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out))), err)
}

/// A function whose loop calls `bin()`, which Numba cannot type: AX001's kernel never compiles.
pub fn untyped_fixture() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/untyped/bits.py")).unwrap()
}

//! Issue #6: bad input gets a clear message (and a hint where the user can act) and the run goes
//! on with the rest. Each case runs the real binary.

mod common;

use std::process::Command;

const GOOD: &[u8] = b"def pairwise(points):\n    n = len(points)\n    out = []\n    for i in range(n):\n        row = []\n        for j in range(n):\n            acc = 0.0\n            for k in range(len(points[i])):\n                d = points[i][k] - points[j][k]\n                acc += d * d\n            row.append(acc)\n        out.append(row)\n    return out\n";

fn rewrite(root: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["rewrite", ".", "--no-llm", "--no-capture", "--dry-run", "-f", "pairwise"];
    args.extend_from_slice(extra);
    common::aiaccel(root, &args)
}

#[test]
fn bad_files_are_warnings_and_the_good_function_is_still_processed() {
    let mut big = b"def big(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return s\n".to_vec();
    big.extend(std::iter::repeat_n(b'#', 1_200_000));
    let repo = common::repo(&[
        ("pkg/__init__.py", b""),
        ("pkg/good.py", GOOD),
        ("pkg/syntax.py", b"def f(:\n    pass\n"),
        ("pkg/latin1.py", b"# caf\xe9\ndef f(xs):\n    return xs\n"),
        ("pkg/binary.py", b"\x00\x01\x02def f(xs):\n    return xs\n"),
        ("pkg/huge.py", &big),
        ("pkg/empty.py", b""),
    ]);
    // a symlink loop (a.py -> b.py -> a.py) and a directory link to itself, committed
    std::os::unix::fs::symlink("b_link.py", repo.root.join("pkg/a_link.py")).unwrap();
    std::os::unix::fs::symlink("a_link.py", repo.root.join("pkg/b_link.py")).unwrap();
    std::os::unix::fs::symlink(".", repo.root.join("pkg/self")).unwrap();
    // a submodule entry (a gitlink) without the module's objects
    common::git(&repo.root, &["add", "-A"]);
    common::git(&repo.root, &["update-index", "--add", "--cacheinfo", "160000,1111111111111111111111111111111111111111,vendored_sub"]);
    common::git(&repo.root, &["commit", "-q", "-m", "bad files"]);
    let before = common::tree_bytes(&repo.root);
    let out = rewrite(&repo.root, &["--json"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    for (file, why) in [
        ("pkg/syntax.py", "syntax error"),
        ("pkg/latin1.py", "not valid UTF-8"),
        ("pkg/binary.py", "binary"),
        ("pkg/huge.py", "byte limit"),
        ("pkg/a_link.py", "symbolic link"),
        ("pkg/b_link.py", "symbolic link"),
        ("vendored_sub", "submodule"),
    ] {
        assert!(err.lines().any(|l| l.contains(file) && l.contains(why)), "no warning for {file} ({why}):\n{err}");
    }
    let report: serde_json::Value = serde_json::from_str(&common::stdout(&out)).unwrap();
    let f = report["functions"].as_array().unwrap().iter().find(|f| f["function"] == "pairwise").expect("pairwise in the report");
    assert_ne!(f["status"], "skipped", "{f}");
    assert_eq!(common::tree_bytes(&repo.root), before);
}

#[test]
fn detached_head_works_and_bare_repo_is_a_clear_error() {
    let repo = common::repo(&[("good.py", GOOD)]);
    let head = common::git(&repo.root, &["rev-parse", "HEAD"]);
    common::git(&repo.root, &["checkout", "-q", "--detach", head.trim()]);
    let out = rewrite(&repo.root, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));

    let bare = repo.dir.path().join("bare.git");
    common::git(repo.dir.path(), &["clone", "-q", "--bare", repo.root.to_str().unwrap(), bare.to_str().unwrap()]);
    let out = common::aiaccel(&bare, &["rewrite", ".", "--no-llm"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("bare repository") && err.contains("hint:"), "{err}");
}

#[test]
fn not_a_repo_and_empty_repo_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::aiaccel(dir.path(), &["rewrite", ".", "--no-llm"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("not inside a git repository") && err.contains("hint:"), "{err}");
    let repo = common::repo(&[]);
    let out = common::aiaccel(&repo.root, &["rewrite", ".", "--no-llm"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("no commits yet") && err.contains("hint:"), "{err}");
}

#[test]
fn missing_broken_and_numba_less_pythons_are_clear_errors() {
    let repo = common::repo(&[("good.py", GOOD)]);
    let missing = repo.dir.path().join("no/such/python");
    let out = rewrite(&repo.root, &["--python", missing.to_str().unwrap()]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("does not work") && err.contains("hint:"), "{err}");
    // the cause first, the hint last (not `error: hint: ...`)
    assert!(err.lines().any(|l| l.starts_with("error: the Python interpreter from --python")) && !err.contains("error: hint"), "{err}");
    assert!(err.find("does not work").unwrap() < err.find("hint:").unwrap(), "{err}");
    assert!(err.trim_end().lines().last().unwrap().starts_with("hint: pass a working interpreter"), "{err}");

    let broken = repo.dir.path().join("broken-python");
    std::fs::write(&broken, "#!/bin/sh\necho 'Fatal Python error: init_fs_encoding' >&2\nexit 1\n").unwrap();
    std::os::unix::fs::PermissionsExt::set_mode(&mut std::fs::metadata(&broken).unwrap().permissions(), 0o755);
    std::fs::set_permissions(&broken, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = rewrite(&repo.root, &["--python", broken.to_str().unwrap()]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("init_fs_encoding") && err.contains("hint:"), "{err}");
    assert!(err.find("init_fs_encoding").unwrap() < err.find("hint:").unwrap(), "{err}");
    assert!(err.trim_end().lines().last().unwrap().starts_with("hint: "), "{err}");

    // a bare venv: Python works, numpy and numba are missing
    let venv = repo.dir.path().join("bare-venv");
    let base = Command::new(common::python()).args(["-c", "import sys; print(sys.base_prefix)"]).output().unwrap();
    let base_py = std::path::Path::new(String::from_utf8_lossy(&base.stdout).trim()).join("bin/python3");
    let made = Command::new(&base_py).args(["-m", "venv", "--without-pip", venv.to_str().unwrap()]).status().unwrap();
    assert!(made.success());
    let out = rewrite(&repo.root, &["--python", venv.join("bin/python").to_str().unwrap()]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("numba") && err.contains("not installed") && err.contains("hint:"), "{err}");
}

#[test]
fn an_unwritable_cache_is_a_warning_and_the_run_goes_on() {
    // the cache dir cannot be created (a file is in the way), as on a full or read-only disk
    let repo = common::repo(&[("good.py", GOOD)]);
    let blocker = repo.dir.path().join("cache-file");
    std::fs::write(&blocker, "not a dir").unwrap();
    let out = Command::new(common::bin())
        .args(["rewrite", ".", "--no-llm", "--no-capture", "--dry-run"])
        .current_dir(&repo.root)
        .env("AIACCEL_PYTHON", common::python())
        .env("AIACCEL_CACHE_DIR", blocker.join("cache"))
        .output()
        .unwrap();
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("run journal cannot be written") && err.contains("hint:"), "{err}");
    assert!(err.contains("pairwise"), "{err}");
}

#[test]
fn a_corrupt_model_file_is_reported_and_rules_go_on() {
    let repo = common::repo(&[("good.py", GOOD)]);
    let model = repo.dir.path().join("model.gguf");
    std::fs::write(&model, b"GGUF\x03\x00\x00\x00garbage that is not a model").unwrap();
    let out = common::aiaccel(&repo.root, &["rewrite", ".", "--no-capture", "--dry-run", "--model", model.to_str().unwrap()]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("model") && err.contains("continuing with rules only"), "{err}");
}

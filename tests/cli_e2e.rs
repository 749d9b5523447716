//! End to end: the real binary on temp git repos.

mod common;

use serde_json::Value;

const LINALG: &str = r#"import math


def matmul(a, b):
    n = len(a)
    m = len(b)
    p = len(b[0])
    out = [[0.0] * p for _ in range(n)]
    for i in range(n):
        for j in range(p):
            acc = 0.0
            for k in range(m):
                acc += a[i][k] * b[k][j]
            out[i][j] = acc
    return out


def always_fails(xs):
    total = 0.0
    for x in xs:
        total += x
    raise RuntimeError("not implemented")


def dump(xs, path):
    with open(path, "w") as fh:
        for x in xs:
            fh.write(str(x * 2))
"#;

fn rewrite_repo() -> common::TempRepo {
    common::repo(&[
        ("pkg/__init__.py", b""),
        ("pkg/linalg.py", LINALG.as_bytes()),
        ("pkg/broken.py", b"def f(:\n"),
        ("pkg/latin.py", b"# \xe9\xe9\ndef g(xs):\n    return [x * 2 for x in xs]\n"),
    ])
}

#[test]
fn rewrite_commits_a_verified_faster_branch_and_touches_nothing_else() {
    let repo = rewrite_repo();
    let root = &repo.root;
    // a dirty worktree: an uncommitted edit and an untracked file
    std::fs::write(root.join("pkg/__init__.py"), "# local edit, not committed\n").unwrap();
    std::fs::write(root.join("notes.txt"), "untracked\n").unwrap();
    let before = common::tree_bytes(root);
    let head_before = common::git(root, &["rev-parse", "HEAD"]);
    let status_before = common::git(root, &["status", "--porcelain"]);

    let out = common::aiaccel(root, &["rewrite", ".", "--no-llm", "--json", "--no-capture"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let report: Value = serde_json::from_str(&common::stdout(&out)).expect("JSON report on stdout");

    // the user's checkout is exactly as it was
    assert_eq!(common::tree_bytes(root), before, "worktree changed");
    assert_eq!(common::git(root, &["rev-parse", "HEAD"]), head_before);
    assert_eq!(common::git(root, &["status", "--porcelain"]), status_before);

    let funcs = report["functions"].as_array().unwrap();
    let by = |name: &str| funcs.iter().find(|f| f["function"] == name).unwrap_or_else(|| panic!("{name} not in report: {report:#}")).clone();
    let mm = by("matmul");
    assert_eq!(mm["status"], "accepted", "{mm:#}");
    assert_eq!(mm["branch"], "aiaccel/pkg.linalg/matmul");
    assert!(mm["speedup"].as_f64().unwrap() >= 1.2);
    assert!(mm["origin"].as_str().unwrap().starts_with("rule:AX"));
    assert!(mm["candidates"].as_array().unwrap().iter().all(|c| c["origin"].is_string() && c["verdict"].is_string()));
    let af = by("always_fails");
    assert_eq!(af["status"], "skipped");
    assert!(af["reason"].as_str().unwrap().contains("raises on every input"), "{af:#}");
    let dump = by("dump");
    assert_eq!(dump["status"], "skipped");
    let warnings = report["summary"]["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w.as_str().unwrap().contains("pkg/broken.py")), "{warnings:?}");
    assert!(warnings.iter().any(|w| w.as_str().unwrap().contains("pkg/latin.py") && w.as_str().unwrap().contains("UTF-8")));

    // the branch: one commit on HEAD; the module changed, and the shared runtime modules it
    // imports added beside it (not inlined: the module's diff is the kernel and the adapter)
    let branch = "aiaccel/pkg.linalg/matmul";
    assert_eq!(common::git(root, &["rev-parse", &format!("{branch}^")]), head_before);
    let changed = common::git(root, &["diff", "--name-status", "HEAD", branch]);
    let changed: Vec<&str> = changed.lines().collect();
    assert!(changed.contains(&"M\tpkg/linalg.py"), "{changed:?}");
    for other in changed.iter().filter(|l| !l.ends_with("pkg/linalg.py")) {
        assert!(other.starts_with("A\tpkg/_aiaccel_"), "only runtime modules are added: {changed:?}");
    }
    let stat = common::git(root, &["diff", "--numstat", "HEAD", branch, "--", "pkg/linalg.py"]);
    let added: usize = stat.split_whitespace().next().unwrap().parse().unwrap();
    assert!(added < 80, "the module's diff should be the kernel and the adapter, not the helpers: {added} lines added");
    let msg = common::git(root, &["log", "-1", "--format=%B", branch]);
    assert!(msg.starts_with("perf(linalg): matmul "), "{msg}");
    for needle in ["Verification", "inputs:", "Benchmark", "Assumes", "Diff: pkg/linalg.py:", "Runtime: pkg/_aiaccel_adapt_"] {
        assert!(msg.contains(needle), "commit message lacks {needle}:\n{msg}");
    }
    // the committed module imports and computes the same product
    let first_commit = common::git(root, &["rev-parse", branch]);

    // a second run with the same result reuses the branch (same commit, nothing rewritten)
    let out2 = common::aiaccel(root, &["rewrite", ".", "--no-llm", "--json", "--no-capture", "--function", "matmul"]);
    assert_eq!(out2.status.code(), Some(0), "{}", common::stderr(&out2));
    let r2: Value = serde_json::from_str(&common::stdout(&out2)).unwrap();
    let mm2 = r2["functions"].as_array().unwrap().iter().find(|f| f["function"] == "matmul").unwrap().clone();
    assert_eq!(mm2["branch"], "aiaccel/pkg.linalg/matmul", "{mm2:#}");
    assert_eq!(common::git(root, &["rev-parse", branch]), first_commit);
    // a branch of that name holding something else is never overwritten: a suffix is added
    common::git(root, &["branch", "-f", branch, "HEAD"]);
    let out3 = common::aiaccel(root, &["rewrite", ".", "--no-llm", "--json", "--no-capture", "--function", "matmul"]);
    assert_eq!(out3.status.code(), Some(0), "{}", common::stderr(&out3));
    let r3: Value = serde_json::from_str(&common::stdout(&out3)).unwrap();
    let mm3 = r3["functions"].as_array().unwrap().iter().find(|f| f["function"] == "matmul").unwrap().clone();
    assert_eq!(mm3["branch"], "aiaccel/pkg.linalg/matmul-2", "{mm3:#}");
    assert_eq!(common::git(root, &["rev-parse", branch]), head_before);
    assert_eq!(common::tree_bytes(root), before);
}

#[test]
fn rewrite_on_a_repo_without_commits_fails_with_a_hint() {
    let repo = common::repo(&[]);
    std::fs::write(repo.root.join("a.py"), "def f(xs):\n    return [x for x in xs]\n").unwrap();
    let out = common::aiaccel(&repo.root, &["rewrite", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(err.contains("error: ") && err.contains("no commits") && err.contains("hint: "), "{err}");
}

#[test]
fn check_exit_codes_and_messages() {
    let repo = common::repo(&[("pkg/__init__.py", b""), ("pkg/linalg.py", LINALG.as_bytes())]);
    let d = repo.dir.path();
    let run = |cand: &str, extra: &[&str]| {
        let p = d.join("cand.py");
        std::fs::write(&p, cand).unwrap();
        let mut args = vec!["check", "pkg/linalg.py::matmul", "--candidate", p.to_str().unwrap(), "--no-bench", "--no-capture"];
        args.extend_from_slice(extra);
        common::aiaccel(&repo.root, &args)
    };
    let right = "import numpy as np\n\ndef matmul(a, b):\n    n = len(a)\n    m = len(b)\n    p = len(b[0])\n    out = [[0.0] * p for _ in range(n)]\n    for i in range(n):\n        for j in range(p):\n            acc = 0.0\n            for k in range(m):\n                acc += a[i][k] * b[k][j]\n            out[i][j] = acc\n    return out\n";
    let ok = run(right, &["--json"]);
    assert_eq!(ok.status.code(), Some(0), "{}", common::stderr(&ok));
    let v: Value = serde_json::from_str(&common::stdout(&ok)).unwrap();
    assert_eq!(v["equivalent"], true);

    // same exceptions as the original, but an ndarray where it returns a list
    let ndarray = "import numpy as np\n\ndef matmul(a, b):\n    n, m, p = len(a), len(b), len(b[0])\n    return np.array(a, dtype=float).reshape(n, m) @ np.array(b, dtype=float).reshape(m, p)\n";
    let bad = run(ndarray, &[]);
    assert_eq!(bad.status.code(), Some(1));
    let err = common::stderr(&bad);
    assert!(err.contains("NOT equivalent") && err.contains("ndarray") && err.contains("input:"), "{err}");

    let missing = run("def other(a, b):\n    return a\n", &[]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(common::stderr(&missing).contains("does not define `matmul`"), "{}", common::stderr(&missing));

    let sig = run("def matmul(a, b, c=None):\n    return a\n", &[]);
    assert_eq!(sig.status.code(), Some(1));
    assert!(common::stderr(&sig).contains("changes the signature"), "{}", common::stderr(&sig));

    let nofunc = common::aiaccel(&repo.root, &["check", "pkg/linalg.py::nope", "--candidate", d.join("cand.py").to_str().unwrap()]);
    assert_eq!(nofunc.status.code(), Some(2));
    assert!(common::stderr(&nofunc).contains("no function `nope`"));
}

#[test]
fn rules_are_listed_and_documented() {
    let d = tempfile::tempdir().unwrap();
    let out = common::aiaccel(d.path(), &["rules"]);
    assert_eq!(out.status.code(), Some(0));
    let s = common::stdout(&out);
    for code in ["AX001", "AX002", "AX010", "AX011"] {
        assert!(s.contains(code), "{s}");
    }
    let doc = common::aiaccel(d.path(), &["rule", "AX001"]);
    let s = common::stdout(&doc);
    assert!(s.contains("numba-njit-adapter") && s.contains("Assumes") && s.contains("Example:"), "{s}");
    let unknown = common::aiaccel(d.path(), &["rule", "AX999"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(common::stderr(&unknown).contains("hint:"));
}

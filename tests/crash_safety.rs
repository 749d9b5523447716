//! Issue #6: a `rewrite` killed with SIGKILL at any moment leaves the worktree, the index, HEAD
//! and the existing refs untouched and no half-made branch; `--resume` then finishes the run
//! without redoing the functions already done.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const GEOMETRY: &str = include_str!("../examples/legacy_numeric/legacy_numeric/geometry.py");
const GRID: &str = include_str!("../examples/legacy_numeric/legacy_numeric/grid.py");

struct State {
    tree: Vec<(String, Vec<u8>)>,
    index: Vec<u8>,
    head: String,
    refs: Vec<String>,
}

fn state(root: &Path) -> State {
    State {
        tree: common::tree_bytes(root),
        index: std::fs::read(root.join(".git/index")).unwrap(),
        head: std::fs::read_to_string(root.join(".git/HEAD")).unwrap(),
        refs: refs(root),
    }
}

fn refs(root: &Path) -> Vec<String> {
    let mut v: Vec<String> = common::git(root, &["for-each-ref", "--format=%(refname) %(objectname)"]).lines().map(String::from).collect();
    v.sort();
    v
}

fn setup() -> (common::TempRepo, String) {
    let repo = common::repo(&[("pkg/__init__.py", b""), ("pkg/geometry.py", GEOMETRY.as_bytes()), ("pkg/grid.py", GRID.as_bytes())]);
    // an existing branch and a dirty worktree, both of which must survive
    common::git(&repo.root, &["branch", "keep-me"]);
    std::fs::write(repo.root.join("pkg/grid.py"), format!("{GRID}\n# uncommitted edit\n")).unwrap();
    std::fs::write(repo.root.join("notes.txt"), "untracked").unwrap();
    let head = common::git(&repo.root, &["rev-parse", "HEAD"]).trim().to_string();
    (repo, head)
}

fn rewrite_cmd(root: &Path, extra: &[&str]) -> Command {
    let mut c = Command::new(common::bin());
    c.args(["rewrite", ".", "--no-llm", "--no-capture", "-f", "pairwise_distances", "-f", "matmul", "-f", "transpose"])
        .args(extra)
        .current_dir(root)
        .env("AIACCEL_PYTHON", common::python())
        .env("AIACCEL_CACHE_DIR", root.join("..").join("cache"));
    c
}

/// After a kill: nothing the user had changed, and every new ref is a whole aiaccel branch.
fn assert_untouched(root: &Path, before: &State, head: &str) {
    let after = state(root);
    assert!(after.tree == before.tree, "the worktree changed");
    assert!(after.index == before.index, "the index changed");
    assert_eq!(after.head, before.head, "HEAD changed");
    for r in &before.refs {
        assert!(after.refs.contains(r), "existing ref {r} changed or vanished: {:?}", after.refs);
    }
    for r in after.refs.iter().filter(|r| !before.refs.contains(r)) {
        let name = r.split(' ').next().unwrap();
        if name == "refs/notes/aiaccel" {
            continue; // the evidence notes of accepted rewrites
        }
        assert!(name.starts_with("refs/heads/aiaccel/"), "unexpected new ref {r}");
        // a whole commit on top of HEAD, with a readable tree
        let parent = common::git(root, &["rev-parse", &format!("{name}^")]);
        assert_eq!(parent.trim(), head, "{name} is not on top of HEAD");
        common::git(root, &["ls-tree", "-r", name]);
    }
    let fsck = Command::new("git").args(["fsck", "--no-dangling"]).current_dir(root).output().unwrap();
    assert!(fsck.status.success(), "git fsck: {}", String::from_utf8_lossy(&fsck.stderr));
}

#[test]
fn sigkill_early_in_a_run_leaves_everything_untouched() {
    let (repo, head) = setup();
    let before = state(&repo.root);
    for delay_ms in [300u64, 2500] {
        let mut child = rewrite_cmd(&repo.root, &[]).stderr(Stdio::null()).stdout(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        assert_untouched(&repo.root, &before, &head);
        // no Python child of the killed run lives on (they die with their parent)
        std::thread::sleep(Duration::from_millis(700));
        let marker = format!("AIACCEL_CACHE_DIR={}", repo.root.join("..").join("cache").display());
        assert!(survivors(&marker).is_empty(), "processes of the killed run survive: {:?}", survivors(&marker));
    }
}

/// Pids whose environment holds `marker` (this test's private cache dir).
fn survivors(marker: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else { continue };
        if let Ok(env) = std::fs::read(e.path().join("environ")) {
            if env.split(|b| *b == 0).any(|kv| kv == marker.as_bytes()) {
                out.push(pid);
            }
        }
    }
    out
}

#[test]
fn sigkill_after_a_branch_then_resume_finishes_without_redoing() {
    let (repo, head) = setup();
    let before = state(&repo.root);
    let mut child = rewrite_cmd(&repo.root, &[]).stderr(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let started = Instant::now();
    let mut first_done = None;
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        let done = ["accepted ", "rejected ", "skipped  "].iter().any(|p| line.trim_start().starts_with(p));
        if done {
            first_done = Some(line);
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(600), "no function finished");
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let first_done = first_done.expect("the run ended before any function finished");
    assert_untouched(&repo.root, &before, &head);
    let branches_after_kill = refs(&repo.root).into_iter().filter(|r| r.contains("aiaccel/")).count();

    let out = rewrite_cmd(&repo.root, &["--resume", "--json"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    // the function that finished before the kill is taken from the journal, not redone
    let first_id = first_done.split_whitespace().nth(1).unwrap().trim_end_matches(':');
    assert!(err.contains(&format!("resumed  {first_id}")), "{first_id} was redone:\n{err}");
    let report: serde_json::Value = serde_json::from_str(&String::from_utf8_lossy(&out.stdout)).unwrap();
    assert_eq!(report["functions"].as_array().unwrap().len(), 3, "{report}");
    // no duplicate branches (`-2`) and at least the branches made before the kill
    let all = refs(&repo.root);
    assert!(!all.iter().any(|r| r.contains("-2 ")), "duplicate branch after resume: {all:?}");
    assert!(all.iter().filter(|r| r.contains("aiaccel/")).count() >= branches_after_kill);
    assert_untouched(&repo.root, &before, &head);
}

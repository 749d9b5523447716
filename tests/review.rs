//! The review flow on the bundled example: three branches of one module (`grid.py`) listed,
//! shown, written up as a PR, accepted together in two orders without conflict (the result
//! imports, the repo's tests pass, `aiaccel verify` holds for each), a dirty worktree refused,
//! a rejection remembered by the next `rewrite`, and prune.

mod common;

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn json(out: &std::process::Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{}\n{}", common::stdout(out), common::stderr(out));
    serde_json::from_str(&common::stdout(out)).unwrap_or_else(|e| panic!("not JSON ({e}): {}", common::stdout(out)))
}

/// Times, speedups, counts of inputs, oids and temp paths vary from run to run.
fn stable(text: &str, root: &Path) -> String {
    text.replace(&root.display().to_string(), "[REPO]")
}

fn with_filters(f: impl FnOnce()) {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"\b[0-9a-f]{10,40}\b", "[OID]");
    s.add_filter(r"_aiaccel_(adapt|checked)_[0-9a-f]{8}", "_aiaccel_${1}_[HASH]");
    s.add_filter(r"-?\d+(\.\d+)?(e[-+]?\d+)? ?(us|ms|s)\b", "[TIME]");
    s.add_filter(r"\d+(\.\d+)?x\b", "[N]x");
    s.add_filter(r"\d+(\.\d+)?e[-+]?\d+", "[E]");
    s.add_filter(r"\b\d+\b", "[N]");
    s.add_filter(r" +\|", " |");
    s.add_filter(r"([^ ]) {2,}", "$1  ");
    s.add_filter(r"(?m)[ \t]+$", "");
    s.bind(f);
}

fn python(root: &Path, code: &str) -> std::process::Output {
    Command::new(common::python()).args(["-c", code]).current_dir(root).output().unwrap()
}

#[test]
fn three_branches_of_one_module_are_reviewed_accepted_in_any_order_rejected_and_pruned() {
    let repo = common::repo_from("examples/legacy_numeric");
    let root = &repo.root;
    // (captured calls: the repo's real sizes, where all three are faster; the bar is lowered
    // because this test is about the review flow, not about the speedups)
    let out = common::aiaccel(root, &["rewrite", ".", "--no-llm", "--min-speedup", "1.05", "--json", "--function", "legacy_numeric/grid.py::*"]);
    let report = json(&out);
    let accepted: Vec<String> = report["functions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "accepted")
        .map(|f| f["branch"].as_str().unwrap().to_string())
        .collect();
    assert!(accepted.len() >= 3, "three branches of grid.py expected: {report:#}");
    let base = common::git(root, &["rev-parse", "HEAD"]).trim().to_string();

    // the listing: every branch current, with its evidence
    let listing = json(&common::aiaccel(root, &["review", "--json"]));
    let branches = listing["branches"].as_array().unwrap();
    assert_eq!(branches.len(), accepted.len());
    for b in branches {
        assert_eq!(b["state"], "current", "{b:#}");
        assert_eq!(b["path"], "legacy_numeric/grid.py");
        assert!(b["inputs_checked"].as_u64().unwrap() > 10);
        assert!(b["speedup_real"].as_f64().unwrap() >= 1.05, "{b:#}");
    }
    let text = common::aiaccel(root, &["review"]);
    assert_eq!(text.status.code(), Some(0));
    let text = stable(&common::stdout(&text), root);
    with_filters(|| insta::assert_snapshot!("review_listing", text));

    // show: the module's diff is the kernel and the adapter; the runtime is one added file
    let show = common::aiaccel(root, &["review", "show", "aiaccel/legacy_numeric.grid/matmul"]);
    assert_eq!(show.status.code(), Some(0), "{}", common::stderr(&show));
    let show = common::stdout(&show);
    assert!(show.contains("--- a/legacy_numeric/grid.py\n+++ b/legacy_numeric/grid.py\n"), "{show}");
    assert!(show.contains("+ legacy_numeric/_aiaccel_adapt_") && show.contains("shared runtime"), "{show}");
    assert!(show.contains("Verification (differential") && show.contains("state     current"), "{show}");
    assert!(!show.contains("\x1b["), "no colour when stdout is not a terminal");

    // the PR body
    let pr = common::aiaccel(root, &["pr", "aiaccel/legacy_numeric.grid/matmul"]);
    assert_eq!(pr.status.code(), Some(0), "{}", common::stderr(&pr));
    let body = common::stdout(&pr);
    for needle in ["## What changed", "## Timing", "| size | inputs | original | rewrite | speedup |", "Compile / first call", "## Verification", "tolerances rtol", "## Assumes", "aiaccel verify aiaccel/legacy_numeric.grid/matmul", "gh pr create --head aiaccel/legacy_numeric.grid/matmul"] {
        assert!(body.contains(needle), "PR body lacks {needle:?}:\n{body}");
    }
    let body = stable(&body, root);
    with_filters(|| insta::assert_snapshot!("pr_body", body));
    // --open needs gh and a pushed branch, and says which is missing
    let open = common::aiaccel(root, &["pr", "aiaccel/legacy_numeric.grid/matmul", "--open"]);
    assert_eq!(open.status.code(), Some(2));
    let why = common::stderr(&open);
    assert!((why.contains("gh (the GitHub CLI) is not installed") || why.contains("is not pushed")) && why.contains("hint:"), "{why}");

    // one PR for the module: the branches merged onto HEAD in the object store, one body
    let group = common::aiaccel(root, &["pr", "--group", "module"]);
    assert_eq!(group.status.code(), Some(0), "{}", common::stderr(&group));
    let gbody = common::stdout(&group);
    assert!(gbody.starts_with(&format!("perf(grid): {} aiaccel rewrites", accepted.len())), "{gbody}");
    for b in &accepted {
        assert!(gbody.contains(&format!("aiaccel verify {b}")), "{gbody}");
        let name = b.rsplit('/').next().unwrap();
        let text = common::git(root, &["show", "aiaccel-pr/legacy_numeric.grid:legacy_numeric/grid.py"]);
        assert!(text.contains(&format!("def _{name}_kernel(")), "the group branch has {name}");
    }
    assert_eq!(common::git(root, &["rev-parse", "HEAD"]).trim(), base, "HEAD did not move");
    common::git(root, &["branch", "-q", "-D", "aiaccel-pr/legacy_numeric.grid"]);

    // accept refuses a dirty worktree and changes nothing
    let grid = root.join("legacy_numeric/grid.py");
    let original = std::fs::read(&grid).unwrap();
    std::fs::write(&grid, [original.as_slice(), b"\n# my edit\n"].concat()).unwrap();
    let dirty = common::aiaccel(root, &["review", "accept", &accepted[0]]);
    assert_eq!(dirty.status.code(), Some(2), "{}", common::stderr(&dirty));
    assert!(common::stderr(&dirty).contains("uncommitted changes") && common::stderr(&dirty).contains("hint:"), "{}", common::stderr(&dirty));
    assert_eq!(common::git(root, &["rev-parse", "HEAD"]).trim(), base);
    assert!(std::fs::read(&grid).unwrap().ends_with(b"# my edit\n"), "the user's edit is kept");
    std::fs::write(&grid, &original).unwrap();

    // all of them, in two orders: no conflict, and the result imports and passes the tests
    let mut reversed = accepted.clone();
    reversed.reverse();
    let mut rotated = accepted.clone();
    rotated.rotate_left(1);
    for order in [accepted.clone(), reversed, rotated] {
        common::git(root, &["reset", "-q", "--hard", &base]);
        let mut args = vec!["review", "accept"];
        args.extend(order.iter().map(String::as_str));
        let out = common::aiaccel(root, &args);
        assert_eq!(out.status.code(), Some(0), "accepting {order:?}:\n{}", common::stderr(&out));
        let err = common::stderr(&out);
        assert!(err.contains("fast-forward") && err.contains("merge commit"), "{err}");
        assert!(err.contains("HEAD moved since the branch was made") && err.contains("holds at HEAD"), "later branches are verified on the merge: {err}");
        assert_eq!(common::git(root, &["status", "--porcelain", "--untracked-files=no"]).trim(), "", "the worktree is the merged HEAD");
        let merged = std::fs::read_to_string(&grid).unwrap();
        for b in &order {
            let name = b.rsplit('/').next().unwrap();
            assert!(merged.contains(&format!("def _{name}_kernel(")), "{name} not merged");
        }
        let runtime: Vec<String> = std::fs::read_dir(root.join("legacy_numeric")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with("_aiaccel_adapt_")).collect();
        assert_eq!(runtime.len(), 1, "one shared runtime module: {runtime:?}");
        let imp = python(root, "from legacy_numeric import grid; print(grid.matmul([[1.0, 2.0]], [[3.0], [4.0]]))");
        assert_eq!(String::from_utf8_lossy(&imp.stdout).trim(), "[[11.0]]", "{}", String::from_utf8_lossy(&imp.stderr));
        let tests = Command::new(common::python()).args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]).current_dir(root).output().unwrap();
        assert!(tests.status.success(), "the repo's tests fail on the merged result:\n{}", String::from_utf8_lossy(&tests.stdout));
    }
    for b in &accepted {
        let v = common::aiaccel(root, &["verify", b]);
        assert_eq!(v.status.code(), Some(0), "{b}: {}", common::stderr(&v));
    }
    let listing = json(&common::aiaccel(root, &["review", "--json"]));
    assert!(listing["branches"].as_array().unwrap().iter().all(|b| b["state"] == "merged"), "{listing:#}");

    // reject one (back at the base): deleted, remembered, not proposed again by rewrite
    common::git(root, &["reset", "-q", "--hard", &base]);
    let target = &accepted[0];
    let function = target.rsplit('/').next().unwrap().to_string();
    let rej = common::aiaccel(root, &["review", "reject", target, "--reason", "we keep this one readable"]);
    assert_eq!(rej.status.code(), Some(0), "{}", common::stderr(&rej));
    assert!(common::git(root, &["branch", "--list", target]).trim().is_empty(), "the branch is deleted");
    let origin = branches.iter().find(|b| b["branch"] == target.as_str()).unwrap()["origin"].as_str().unwrap().to_string();
    let again = common::aiaccel(root, &["rewrite", ".", "--no-llm", "--min-speedup", "1.05", "--json", "--function", &format!("legacy_numeric/grid.py::{function}")]);
    let r = json(&again);
    let f = r["functions"].as_array().unwrap().iter().find(|f| f["function"] == function.as_str()).unwrap().clone();
    let same: Vec<&Value> = f["candidates"].as_array().unwrap().iter().filter(|c| c["origin"] == origin.as_str()).collect();
    assert!(!same.is_empty() && same.iter().all(|c| c["verdict"] == "rejected_in_review"), "{f:#}");
    assert!(same[0]["message"].as_str().unwrap().contains("we keep this one readable"), "{f:#}");
    assert!(common::stderr(&again).contains("rejected in review"), "{}", common::stderr(&again));
    assert!(f["branch"].is_null() || f["origin"] != origin.as_str(), "the rejected rewrite came back: {f:#}");
    // forgetting it lets the rule propose it again
    let forget = common::aiaccel(root, &["review", "forget", &format!("legacy_numeric/grid.py::{function}")]);
    assert_eq!(forget.status.code(), Some(0), "{}", common::stderr(&forget));

    // a branch someone added a wrong commit to is verified before it is merged, and refused
    let edited = &accepted[2];
    let name = edited.rsplit('/').next().unwrap();
    common::git(root, &["checkout", "-q", edited]);
    let text = std::fs::read_to_string(&grid).unwrap();
    let at = text.find(&format!("\ndef {name}(")).expect("the public adapter") + 1;
    let body = at + text[at..].find(":\n").unwrap() + 2;
    std::fs::write(&grid, format!("{}    return None\n{}", &text[..body], &text[body..])).unwrap();
    common::git(root, &["commit", "-q", "-am", "hand edit"]);
    common::git(root, &["checkout", "-q", "main"]);
    let out = common::aiaccel(root, &["review", "accept", edited]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("has commits on top of aiaccel's") && err.contains("no longer equivalent"), "{err}");
    assert_eq!(common::git(root, &["rev-parse", "HEAD"]).trim(), base, "nothing merged");
    // ... and one whose extra commits reach beyond the rewrite is refused without verifying
    common::git(root, &["checkout", "-q", edited]);
    std::fs::write(root.join("README.md"), "changed on the branch\n").unwrap();
    common::git(root, &["commit", "-q", "-am", "an unrelated edit"]);
    // a checked-out branch cannot be rejected, and nothing is recorded
    let rej = common::aiaccel(root, &["review", "reject", edited]);
    assert_eq!(rej.status.code(), Some(1));
    assert!(common::stderr(&rej).contains("is checked out"), "{}", common::stderr(&rej));
    let recorded = std::fs::read_to_string(root.join(".git/aiaccel/rejections.json")).unwrap_or_default();
    assert!(!recorded.contains(edited.as_str()), "{recorded}");
    common::git(root, &["checkout", "-q", "main"]);
    let out = common::aiaccel(root, &["review", "accept", edited]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("change more than the rewrite") && err.contains("README.md (another file)"), "{err}");
    let listing = common::stdout(&common::aiaccel(root, &["review"]));
    assert!(listing.contains("current, edited"), "{listing}");

    // prune: a merged branch goes, current ones stay
    let other = &accepted[1];
    assert_eq!(common::aiaccel(root, &["review", "accept", other]).status.code(), Some(0));
    let prune = common::aiaccel(root, &["review", "prune"]);
    assert_eq!(prune.status.code(), Some(0), "{}", common::stderr(&prune));
    assert!(common::git(root, &["branch", "--list", other]).trim().is_empty(), "the merged branch is pruned");
    assert!(!common::git(root, &["branch", "--list", &accepted[2]]).trim().is_empty(), "a current branch is kept");
}

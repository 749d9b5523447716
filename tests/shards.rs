//! CI mode and scale-out: `rewrite --shard I/N` splits the functions so that the shards'
//! reports add up to the unsharded run's with no function in two, `merge-reports` joins them
//! (and refuses overlapping or foreign reports), and `--changed-since REF` takes only the
//! functions changed or added since REF.
//!
//! The fixture's functions are methods taking `self` and functions discovery skips (I/O), so
//! every run is quick: no candidate is verified, only the selection and the reports are tested.

mod common;

use serde_json::Value;
use std::collections::BTreeSet;

fn module(n: usize, changed: Option<usize>) -> String {
    let mut s = String::from("class Grid:\n");
    for k in 0..n {
        let step = if Some(k) == changed { "2" } else { "1" };
        s.push_str(&format!("    def total_{k}(self, xs):\n        t = 0.0\n        for x in xs:\n            for y in xs:\n                t += x * y * {step}\n        return t\n\n"));
    }
    s.push_str("\ndef dump(xs, path):\n    with open(path, 'w') as fh:\n        for x in xs:\n            fh.write(str(x))\n");
    s
}

fn ids(report: &Value) -> Vec<String> {
    report["functions"].as_array().unwrap().iter().map(|f| format!("{}::{}", f["path"].as_str().unwrap(), f["function"].as_str().unwrap())).collect()
}

fn run_json(root: &std::path::Path, args: &[&str]) -> Value {
    let out = common::aiaccel(root, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", common::stderr(&out));
    serde_json::from_str(&common::stdout(&out)).unwrap()
}

#[test]
fn shards_partition_the_functions_and_merge_back_into_the_whole_run() {
    let repo = common::repo(&[("pkg/__init__.py", b""), ("pkg/a.py", module(7, None).as_bytes()), ("pkg/b.py", module(5, None).as_bytes())]);
    let root = &repo.root;
    let base = ["rewrite", ".", "--no-llm", "--no-capture", "--dry-run", "--json"];
    let whole = run_json(root, &base);
    let all: BTreeSet<String> = ids(&whole).into_iter().collect();
    assert!(all.len() >= 12, "{all:?}");

    let mut union = BTreeSet::new();
    let mut files = Vec::new();
    for i in 1..=3 {
        let shard = format!("{i}/3");
        let mut args = base.to_vec();
        args.extend(["--shard", shard.as_str()]);
        let r = run_json(root, &args);
        let these = ids(&r);
        assert!(!these.is_empty(), "shard {shard} is empty: a hash split of 12+ functions should fill all three");
        for id in these {
            assert!(union.insert(id.clone()), "{id} is in two shards");
        }
        let f = repo.dir.path().join(format!("shard{i}.json"));
        std::fs::write(&f, serde_json::to_string(&r).unwrap()).unwrap();
        files.push(f);
    }
    assert_eq!(union, all, "the shards together are the unsharded run");
    // the same split on a second run
    let again = run_json(root, &[&base[..], &["--shard", "2/3"]].concat());
    let first: Value = serde_json::from_str(&std::fs::read_to_string(&files[1]).unwrap()).unwrap();
    assert_eq!(ids(&again), ids(&first));

    let paths: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    let merged = run_json(root, &[&["merge-reports"][..], &paths].concat());
    assert_eq!(ids(&merged).into_iter().collect::<BTreeSet<_>>(), all);
    assert_eq!(merged["summary"]["functions"], whole["summary"]["functions"]);
    assert_eq!(merged["summary"]["skipped"], whole["summary"]["skipped"]);
    assert_eq!(merged["summary"]["head"], whole["summary"]["head"]);

    // a missing shard is an error, not a smaller run
    let two = common::aiaccel(root, &["merge-reports", paths[0], paths[1]]);
    assert_eq!(two.status.code(), Some(2));
    assert!(common::stderr(&two).contains("3/3 missing"), "{}", common::stderr(&two));
    // a shard twice is an overlap, not a merge
    let dup = common::aiaccel(root, &["merge-reports", paths[0], paths[0]]);
    assert_eq!(dup.status.code(), Some(2));
    assert!(common::stderr(&dup).contains("is in both") && common::stderr(&dup).contains("hint:"), "{}", common::stderr(&dup));
    let bad = common::aiaccel(root, &["rewrite", ".", "--shard", "4/3"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(common::stderr(&bad).contains("1 <= I <= N"), "{}", common::stderr(&bad));
}

#[test]
fn changed_since_takes_only_the_functions_a_commit_touched() {
    let repo = common::repo(&[("pkg/__init__.py", b""), ("pkg/a.py", module(4, None).as_bytes()), ("pkg/b.py", module(3, None).as_bytes())]);
    let root = &repo.root;
    // one method changed and one added in a.py; b.py untouched
    let mut next = module(4, Some(2));
    next = next.replace("\ndef dump", "    def total_new(self, xs):\n        t = 1.0\n        for x in xs:\n            for y in xs:\n                t *= x - y\n        return t\n\n\ndef dump");
    std::fs::write(root.join("pkg/a.py"), next).unwrap();
    common::git(root, &["commit", "-q", "-am", "change one, add one"]);
    let r = run_json(root, &["rewrite", ".", "--no-llm", "--no-capture", "--dry-run", "--json", "--changed-since", "HEAD~1"]);
    let got: BTreeSet<String> = ids(&r).into_iter().collect();
    let want: BTreeSet<String> = ["pkg/a.py::Grid.total_2", "pkg/a.py::Grid.total_new"].iter().map(|s| s.to_string()).collect();
    assert_eq!(got, want);
    let bad = common::aiaccel(root, &["rewrite", ".", "--changed-since", "no-such-ref"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(common::stderr(&bad).contains("not a commit here") && common::stderr(&bad).contains("hint:"), "{}", common::stderr(&bad));
}

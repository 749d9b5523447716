//! Issue #11: what a user reads when a command cannot go on, as insta snapshots (temp paths,
//! oids and times filtered). Each case runs the real binary; the snapshot holds the exit code
//! and the whole of stderr, so a cause that moves after its hint, a lost hint or a changed
//! wording shows as a diff.

mod common;

use std::path::Path;

const GOOD: &[u8] = b"def total(xs):\n    s = 0.0\n    for x in xs:\n        s += x * x\n    return s\n";

fn case(out: &mut String, name: &str, cwd: &Path, args: &[&str], tmp: &Path) {
    let o = common::aiaccel(cwd, args);
    let text = format!("## {name}\n$ aiaccel {}\nexit {}\n{}\n", args.join(" "), o.status.code().unwrap_or(-1), common::stderr(&o).trim_end());
    out.push_str(&text.replace(&tmp.display().to_string(), "[TMP]"));
}

#[test]
fn error_output_names_the_cause_first_and_the_hint_last() {
    let repo = common::repo(&[("m.py", GOOD)]);
    let tmp = repo.dir.path().to_path_buf();
    let root = &repo.root;
    let mut out = String::new();

    let plain = tmp.join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    case(&mut out, "not a git repository", &plain, &["rewrite", ".", "--no-llm"], &tmp);
    let empty = common::repo(&[]);
    case(&mut out, "a repository with no commits", &empty.root, &["rewrite", ".", "--no-llm"], empty.dir.path());
    case(&mut out, "a Python that does not exist", root, &["rewrite", ".", "--no-llm", "--python", tmp.join("no/python").to_str().unwrap()], &tmp);
    case(&mut out, "a shard out of range", root, &["rewrite", ".", "--no-llm", "--shard", "3/2"], &tmp);
    case(&mut out, "a review of a branch that does not exist", root, &["review", "show", "aiaccel/nope"], &tmp);
    std::fs::write(tmp.join("not-a-report.json"), "{\"functions\": 3}").unwrap();
    case(&mut out, "a file that is not a report", root, &["report", tmp.join("not-a-report.json").to_str().unwrap()], &tmp);
    case(&mut out, "a report file that does not exist", root, &["report", tmp.join("none.json").to_str().unwrap()], &tmp);
    case(&mut out, "a rule code that does not exist", root, &["rule", "AX999"], &tmp);

    std::fs::write(root.join("pyproject.toml"), "[tool.aiaccel]\nmin_speedup = 1.5\nstrategy = [\"numba\"]\n").unwrap();
    common::git(root, &["add", "pyproject.toml"]);
    common::git(root, &["commit", "-q", "-m", "config"]);
    case(&mut out, "a misspelt key in [tool.aiaccel]", root, &["rewrite", ".", "--no-llm"], &tmp);

    // every case is an error with its cause on the `error:` line, and no hint before a cause
    for section in out.split("## ").skip(1) {
        assert!(section.contains("\nerror: ") && !section.contains("error: hint"), "{section}");
        if let (Some(h), Some(e)) = (section.find("\nhint: "), section.find("\nerror: ")) {
            assert!(e < h, "the hint comes after the error:\n{section}");
        }
    }

    let mut s = insta::Settings::clone_current();
    s.add_filter(r"\b[0-9a-f]{10,40}\b", "[OID]");
    s.add_filter(r"\d+(\.\d+)? ?(ms|s)\b", "[TIME]");
    s.add_filter(r"aiaccel \d+\.\d+\.\d+", "aiaccel [VERSION]");
    s.bind(|| insta::assert_snapshot!("error_output", out));
}

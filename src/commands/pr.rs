//! `aiaccel pr BRANCH... [--group module|all] [--open]`: a pull-request title and markdown body
//! for aiaccel branches, from their evidence notes: what changed and why it is faster, the
//! timings per size (the repo's real sizes first), compile time and break-even, errors and
//! tolerances, the inputs used, what the rewrite assumes, and how to replay it. With `--group`
//! the branches are merged onto HEAD in git's object store into one PR branch
//! (`aiaccel-pr/<name>`): one review instead of ten. The worktree is never touched.

use crate::cli::PrArgs;
use crate::git::Snapshot;
use crate::printer::Printer;
use crate::report::fmt_s;
use crate::review::{self, BranchInfo, BranchState};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::fmt::Write as _;

pub fn run(args: PrArgs, printer: &Printer) -> Result<i32> {
    let cwd = std::env::current_dir()?;
    let snap = Snapshot::open(&cwd)?;
    let infos: Vec<BranchInfo> = if args.branches.is_empty() {
        if args.group.is_none() {
            bail!("name the branch(es)\nhint: `aiaccel review` lists them; `aiaccel pr --group module` batches every current one");
        }
        review::list(&snap)?.into_iter().filter(|i| i.state == BranchState::Current).collect()
    } else {
        args.branches.iter().map(|b| review::find(&snap, b)).collect::<Result<_>>()?
    };
    if infos.is_empty() {
        bail!("no current aiaccel branches to make a PR of\nhint: `aiaccel rewrite` makes them; `aiaccel review` lists them");
    }
    let prs: Vec<(String, String, String)> = match args.group.as_deref() {
        None => infos.iter().map(|i| (i.branch.clone(), title(i), body(i, &snap))).collect(),
        Some(how) => {
            let mut groups: BTreeMap<String, Vec<&BranchInfo>> = BTreeMap::new();
            for i in &infos {
                let key = if how == "module" { i.path.trim_end_matches(".py").replace('/', ".") } else { "all".into() };
                groups.entry(key).or_default().push(i);
            }
            let mut out = Vec::new();
            for (key, members) in groups {
                let (branch, merged) = group_branch(&snap, &key, &members, printer)?;
                let members: Vec<&BranchInfo> = members.into_iter().filter(|m| merged.contains(&m.branch)).collect();
                if members.is_empty() {
                    continue;
                }
                out.push((branch, group_title(&key, &members), group_body(&members, &snap)));
            }
            out
        }
    };
    for (k, (branch, title, body)) in prs.iter().enumerate() {
        if k > 0 {
            println!("\n---\n");
        }
        println!("{title}\n\n{body}");
        if args.open {
            open(&snap, branch, title, body, printer)?;
        }
    }
    Ok(0)
}

pub fn title(i: &BranchInfo) -> String {
    i.message.lines().next().unwrap_or("").to_string()
}

fn rule_doc(origin: &str) -> Option<crate::propose::rules::RuleDoc> {
    let code = origin.strip_prefix("rule:")?;
    crate::propose::rules::all_rules().into_iter().find(|r| r.code == code)
}

/// The body of one branch's PR.
pub fn body(i: &BranchInfo, snap: &Snapshot) -> String {
    let mut out = String::new();
    if i.edited {
        let _ = writeln!(out, "> **Edited:** this branch has commits on top of aiaccel's verified commit `{}`. The evidence below is about aiaccel's commit; review the later commits yourself (`git log {}..{}`).\n", &i.annotated[..10.min(i.annotated.len())], &i.annotated[..10.min(i.annotated.len())], i.branch);
    }
    section(&mut out, i, snap, "##");
    let _ = writeln!(out, "## Replay\n\n```sh\naiaccel verify {}\n```\n\nThe evidence travels as a git note on the commit: push it with `git push origin refs/notes/aiaccel`.\n", i.branch);
    let _ = writeln!(out, "## Open this PR\n\n```sh\n{}\n```", gh_command(&i.branch, &title(i)));
    out
}

fn gh_command(branch: &str, title: &str) -> String {
    format!("git push origin {branch} refs/notes/aiaccel && gh pr create --head {branch} --title {} --body-file pr.md", shell_quote(title))
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// What changed, why, timings, verification, assumes: the part of a body about one branch.
fn section(out: &mut String, i: &BranchInfo, snap: &Snapshot, h: &str) {
    let r = &i.replay;
    let e = &r.evidence;
    let _ = writeln!(out, "{h} What changed\n");
    let by = match rule_doc(&i.origin) {
        Some(doc) => format!("rule {} ({})", doc.code, doc.name),
        None => match i.origin.strip_prefix("llm:") {
            Some(model) => format!("the local code model {model}"),
            None => i.origin.clone(),
        },
    };
    let _ = writeln!(out, "`{}` in `{}` is rewritten by {} (strategy: {}). The original is kept, renamed, and still runs on every input the fast path does not take.\n", i.function, i.path, by, i.strategy);
    if let Some(doc) = rule_doc(&i.origin) {
        // the rule's first sentence (`aiaccel rule CODE` prints the whole documentation)
        let what = doc.what.split_whitespace().collect::<Vec<_>>().join(" ");
        let first = what.find(". ").map(|i| &what[..=i]).unwrap_or(&what);
        let _ = writeln!(out, "{first} (`aiaccel rule {}` has the whole rule.)\n", doc.code);
        let _ = writeln!(out, "{h}# Why it is faster\n\n{}\n", doc.why.trim());
    }
    if let Some(t) = i.timing() {
        let rounds = t.sizes.first().map(|s| s.ratios.len()).unwrap_or(0);
        let _ = writeln!(out, "{h} Timing\n\nOriginal and rewrite interleaved, {rounds} rounds each, medians; the repo's own call size first.\n");
        let _ = writeln!(out, "| size | inputs | original | rewrite | speedup |\n|---|---|---|---|---|");
        let mut sizes: Vec<&crate::bench::SizeTiming> = t.sizes.iter().collect();
        sizes.sort_by_key(|s| !s.real);
        for s in sizes {
            let label = if s.real { format!("{} (real)", s.size) } else { format!("n={}", s.size) };
            let _ = writeln!(out, "| {label} | {} | {} | {} | {:.2}x |", s.inputs, fmt_s(s.orig_median_s), fmt_s(s.cand_median_s), s.speedup);
        }
        let _ = writeln!(
            out,
            "\nCompile / first call: {}{}; module import {}.\n",
            fmt_s(t.compile_s),
            t.break_even_calls.map(|c| format!(", paid back after {:.0} calls at the largest size", c.ceil())).unwrap_or_else(|| ", not paid back at the measured sizes".into()),
            fmt_s(t.import_s)
        );
    }
    let _ = writeln!(out, "{h} Verification\n");
    let _ = writeln!(out, "Differential testing, original vs rewrite on the same inputs, in a sandbox:\n");
    let _ = writeln!(out, "- inputs: {} ({} captured from the repo's tests, {} generated), seed {}", e.cases, e.captured, e.generated, r.seed);
    let _ = writeln!(out, "- max abs error {:.3e}, max rel error {:.3e}; tolerances rtol {:e}, atol {:e}, NaN equal: {}, signed zero: {}", e.max_abs_err, e.max_rel_err, r.rtol, r.atol, r.nan_equal, r.signed_zero);
    for l in e.checks_lines() {
        let _ = writeln!(out, "- {l}");
    }
    for s in &e.captured_shapes {
        let _ = writeln!(out, "- captured call shape: {s}");
    }
    let _ = writeln!(out);
    let assumes = if !r.assumes.trim().is_empty() { r.assumes.clone() } else { rule_doc(&i.origin).map(|d| d.assumes).unwrap_or_default() };
    if !assumes.trim().is_empty() {
        let _ = writeln!(out, "{h} Assumes (when the rewrite is NOT equivalent: check these)\n");
        for l in assumes.trim().lines() {
            let _ = writeln!(out, "> {l}");
        }
        let _ = writeln!(out);
    }
    let (ins, del, runtime) = diff_summary(snap, i);
    let _ = writeln!(out, "{h} Diff\n\n`{}`: {ins} insertions, {del} deletions.{}\n", i.path, if runtime.is_empty() {
        String::new()
    } else {
        format!(" Added beside it: {} (aiaccel's shared runtime, the same file in every aiaccel branch).", runtime.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", "))
    });
}

fn diff_summary(snap: &Snapshot, i: &BranchInfo) -> (usize, usize, Vec<String>) {
    let repo = &snap.repo;
    let (Ok(base), Ok(tip)) = (git2::Oid::from_str(&i.base), git2::Oid::from_str(&i.tip)) else { return (0, 0, vec![]) };
    let read = |c: git2::Oid, p: &str| -> Option<String> { review::file_at(repo, c, p).map(|b| String::from_utf8_lossy(&b).into_owned()) };
    let old = read(base, &i.path).unwrap_or_default();
    let new = read(tip, &i.path).unwrap_or_default();
    let (ins, del) = crate::edit::Diff { path: &i.path, old: &old, new: &new }.stats();
    let runtime = crate::runtime::imported_by(&new).iter().map(|m| crate::runtime::beside(&i.path, &m.file_name())).filter(|p| read(base, p).is_none()).collect();
    (ins, del, runtime)
}

fn group_title(key: &str, members: &[&BranchInfo]) -> String {
    let names: Vec<&str> = members.iter().map(|m| m.function.as_str()).collect();
    let what = if names.len() <= 3 { names.join(", ") } else { format!("{} and {} more", names[..2].join(", "), names.len() - 2) };
    if key == "all" {
        format!("perf: {} aiaccel rewrites ({what})", members.len())
    } else {
        format!("perf({}): {} aiaccel rewrites ({what})", key.rsplit('.').next().unwrap_or(key), members.len())
    }
}

fn group_body(members: &[&BranchInfo], snap: &Snapshot) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} verified, faster rewrites, one per function, merged together:\n", members.len());
    let _ = writeln!(out, "| function | speedup (real) | at scale | inputs checked | branch |\n|---|---|---|---|---|");
    for m in members {
        let sp = super::review::speed;
        let _ = writeln!(out, "| `{}::{}` | {} | {} | {} ({} captured) | `{}` |", m.path, m.function, sp(m.speedup_real), sp(m.speedup_scale), m.inputs_checked, m.captured_inputs, m.branch);
    }
    let _ = writeln!(out);
    for m in members {
        let _ = writeln!(out, "## `{}` ({})\n", m.function, title(m));
        section(&mut out, m, snap, "###");
    }
    let _ = writeln!(out, "## Replay\n\n```sh");
    for m in members {
        let _ = writeln!(out, "aiaccel verify {}", m.branch);
    }
    let _ = writeln!(out, "```");
    out
}

/// Merge the members onto HEAD, in the object store, as branch `aiaccel-pr/<key>` (replaced
/// when it exists: it is aiaccel's own). Returns it and the members merged (a member that
/// conflicts with the others is left out, and said so).
fn group_branch(snap: &Snapshot, key: &str, members: &[&BranchInfo], printer: &Printer) -> Result<(String, Vec<String>)> {
    let repo = &snap.repo;
    let sig = match repo.signature() {
        Ok(s) => s,
        Err(_) => git2::Signature::now("aiaccel", "aiaccel@localhost")?,
    };
    let mut current = snap.head;
    let mut merged = Vec::new();
    for m in members {
        if m.state != BranchState::Current {
            printer.warn(format!("{} is {}: left out of the group", m.branch, m.state.as_str()));
            continue;
        }
        if m.edited {
            printer.warn(format!("{} has commits on top of aiaccel's: left out of the group (its evidence does not cover them; `aiaccel pr {}` for it alone)", m.branch, m.branch));
            continue;
        }
        let tip = git2::Oid::from_str(&m.tip)?;
        match review::merge_tree(repo, current, tip)? {
            Ok(tree) => {
                let t = repo.find_tree(tree)?;
                let parents = [&repo.find_commit(current)?, &repo.find_commit(tip)?];
                current = repo.commit(None, &sig, &sig, &format!("Merge {} into the aiaccel-pr/{key} group\n", m.branch), &t, &parents)?;
                merged.push(m.branch.clone());
            }
            Err(paths) => printer.warn(format!("{} conflicts with the group in {}: left out", m.branch, paths.join(", "))),
        }
    }
    let name = format!("aiaccel-pr/{key}");
    repo.branch(&name, &repo.find_commit(current)?, true).with_context(|| format!("creating {name}"))?;
    printer.step(format!("{name}: {} branch(es) merged onto HEAD {}", merged.len(), snap.head_short));
    Ok((name, merged))
}

fn open(snap: &Snapshot, branch: &str, title: &str, body: &str, printer: &Printer) -> Result<()> {
    let gh = std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join("gh")).find(|p| p.is_file()));
    let Some(gh) = gh else {
        bail!("gh (the GitHub CLI) is not installed\nhint: install it (https://cli.github.com) or open the PR by hand with the title and body above");
    };
    let pushed = snap.repo.references_glob(&format!("refs/remotes/*/{branch}"))?.flatten().next().is_some();
    if !pushed {
        bail!("{branch} is not pushed\nhint: `git push origin {branch} refs/notes/aiaccel`, then `aiaccel pr {branch} --open`");
    }
    let file = tempfile::NamedTempFile::new()?;
    std::fs::write(file.path(), body)?;
    printer.step(format!("opening the PR with {}", gh.display()));
    let st = std::process::Command::new(gh).args(["pr", "create", "--head", branch, "--title", title, "--body-file"]).arg(file.path()).current_dir(&snap.root).status()?;
    if !st.success() {
        bail!("gh pr create failed ({st})\nhint: run `gh auth status`");
    }
    Ok(())
}

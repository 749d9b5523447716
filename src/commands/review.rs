//! `aiaccel review`: the branches as pull requests. The listing and `show` go to stdout (data);
//! `accept` is the one command that changes the worktree, and only on a clean one; `reject`,
//! `prune` and `forget` change refs and `.git/aiaccel/rejections.json`, never a file of the
//! checkout. The policy (states, merges, rejections) is in `crate::review`.

use crate::cli::{PythonArgs, ReviewAction, ReviewArgs, SandboxArgs, SessionConfig};
use crate::git::Snapshot;
use crate::pipeline::Session;
use crate::printer::Printer;
use crate::propose::{Candidate, Origin, Strategy};
use crate::report::fmt_s;
use crate::review::{self, BranchInfo, BranchState, Rejections};
use crate::verify::{Verdict, VerifyOutcome};
use anyhow::{anyhow, bail, Context, Result};
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

pub fn run(args: ReviewArgs, printer: &Printer) -> Result<i32> {
    let cwd = std::env::current_dir()?;
    match args.action {
        None => list(args.path.as_deref().unwrap_or(&cwd), args.json),
        Some(ReviewAction::Show { branch, full }) => show(&cwd, &branch, full),
        Some(ReviewAction::Accept { branches, py, sandbox }) => accept(&cwd, &branches, py, sandbox, printer),
        Some(ReviewAction::Reject { branches, reason }) => reject(&cwd, &branches, &reason, printer),
        Some(ReviewAction::Prune { dry_run }) => prune(&cwd, dry_run, printer),
        Some(ReviewAction::Forget { function }) => {
            let snap = Snapshot::open(&cwd)?;
            let mut r = Rejections::load(&snap.repo)?;
            let n = r.forget(&function)?;
            if n == 0 {
                bail!("no rejection of {function} is recorded\nhint: the rejections are in {}", r.file.display());
            }
            printer.step(format!("forgot {n} rejection(s) of {function}: `aiaccel rewrite` may propose them again"));
            Ok(0)
        }
    }
}

pub fn speed(x: Option<f64>) -> String {
    x.map(|s| format!("{s:.1}x")).unwrap_or_else(|| "-".into())
}

/// The listing as text: one row per branch, current ones first, by time saved per call.
pub fn render_list(root: &Path, head_short: &str, infos: &[BranchInfo]) -> String {
    let mut out = String::new();
    if infos.is_empty() {
        let _ = writeln!(out, "no aiaccel branches in {} (HEAD {head_short})\nhint: `aiaccel rewrite` makes them", root.display());
        return out;
    }
    let _ = writeln!(out, "aiaccel branches of {} (HEAD {head_short}), current first, by time saved per call:\n", root.display());
    let header = ["STATE", "REAL", "AT SCALE", "SAVED/CALL", "INPUTS", "FUNCTION", "ORIGIN", "BRANCH"];
    let rows: Vec<[String; 8]> = infos
        .iter()
        .map(|i| {
            [
                if i.edited { format!("{}, edited", i.state.as_str()) } else { i.state.as_str().to_string() },
                speed(i.speedup_real),
                speed(i.speedup_scale),
                i.saved_per_call_s.map(|s| if s > 0.0 { fmt_s(s) } else { "-".into() }).unwrap_or_else(|| "-".into()),
                format!("{} ({} captured)", i.inputs_checked, i.captured_inputs),
                format!("{}::{}", i.path, i.function),
                format!("{} {}", i.origin, i.strategy),
                i.branch.clone(),
            ]
        })
        .collect();
    let mut width = header.map(str::len);
    for r in &rows {
        for (w, c) in width.iter_mut().zip(r.iter()) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let mut s = String::new();
        for (k, (c, w)) in cells.iter().zip(width.iter()).enumerate() {
            if k + 1 == cells.len() {
                s.push_str(c);
            } else {
                let _ = write!(s, "{c:<w$}  ");
            }
        }
        s.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(&header.map(String::from)));
    for r in &rows {
        let _ = writeln!(out, "{}", line(r));
    }
    let stale = infos.iter().filter(|i| matches!(i.state, BranchState::Stale | BranchState::Gone | BranchState::Merged)).count();
    if infos.iter().any(|i| i.edited) {
        let _ = writeln!(out, "\nedited: the branch has commits on top of aiaccel's; its evidence is about aiaccel's commit, and `review accept` verifies the result and refuses edits outside the rewrite.");
    }
    let _ = writeln!(out, "\nREAL: at the repo's own call size (captured from its tests); AT SCALE: the largest generated size.");
    let _ = writeln!(out, "next: `aiaccel review show BRANCH`, `aiaccel review accept BRANCH...`, `aiaccel review reject BRANCH --reason ...`, `aiaccel pr BRANCH`");
    if stale > 0 {
        let _ = writeln!(out, "{stale} branch(es) merged, stale or gone: `aiaccel review prune` deletes them");
    }
    out
}

fn list(path: &Path, json: bool) -> Result<i32> {
    let snap = Snapshot::open(path)?;
    let infos = review::list(&snap)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({"head": snap.head.to_string(), "branches": infos}))?);
    } else {
        print!("{}", render_list(&snap.root, &snap.head_short, &infos));
    }
    Ok(0)
}

/// The branch's header, evidence and diff, as `review show` prints it (`colour` for a terminal).
pub fn render_show(snap: &Snapshot, info: &BranchInfo, full: bool, colour: bool) -> Result<String> {
    let repo = &snap.repo;
    let mut out = String::new();
    let _ = writeln!(out, "branch    {}", info.branch);
    let _ = writeln!(out, "function  {}::{}", info.path, info.function);
    let _ = writeln!(out, "state     {}{}", info.state.as_str(), match info.state {
        BranchState::Current if info.base != snap.head.to_string() => " (HEAD moved since; `review accept` verifies the merge against HEAD first)",
        BranchState::Current => "",
        BranchState::Stale => " (the function changed at HEAD: rerun `aiaccel rewrite`)",
        BranchState::Gone => " (the file or function is gone from HEAD)",
        BranchState::Merged => " (already in HEAD)",
    });
    if info.edited {
        let _ = writeln!(out, "edited    yes: commits on top of aiaccel's {} (the evidence below is about aiaccel's commit; `review accept` verifies the result)", &info.annotated[..10.min(info.annotated.len())]);
    }
    let _ = writeln!(out, "origin    {} ({}, strategy {})", info.origin, if info.replay.label.is_empty() { "-" } else { &info.replay.label }, info.strategy);
    let _ = writeln!(out, "base      {}\n", &info.base[..10.min(info.base.len())]);
    let _ = writeln!(out, "{}", info.message.trim_end());
    let _ = writeln!(out);
    let base = repo.find_commit(git2::Oid::from_str(&info.base)?)?.tree()?;
    let tip = repo.find_commit(git2::Oid::from_str(&info.tip)?)?.tree()?;
    let diff = repo.diff_tree_to_tree(Some(&base), Some(&tip), None)?;
    for d in diff.deltas() {
        let path = d.new_file().path().or_else(|| d.old_file().path()).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
        let read = |id: git2::Oid| -> String {
            if id.is_zero() {
                String::new()
            } else {
                repo.find_blob(id).map(|b| String::from_utf8_lossy(b.content()).into_owned()).unwrap_or_default()
            }
        };
        let old = read(d.old_file().id());
        let new = read(d.new_file().id());
        let name = path.rsplit('/').next().unwrap_or(&path);
        if name.starts_with(crate::runtime::FILE_PREFIX) && !full && old.is_empty() {
            let _ = writeln!(out, "+ {path}: new, {} lines of aiaccel's shared runtime (the same file in every aiaccel branch; `--full` shows it)\n", new.lines().count());
            continue;
        }
        let diff = crate::edit::Diff { path: &path, old: &old, new: &new };
        out.push_str(&if colour { diff.colored() } else { diff.to_string() });
        out.push('\n');
    }
    Ok(out)
}

fn show(cwd: &Path, branch: &str, full: bool) -> Result<i32> {
    let snap = Snapshot::open(cwd)?;
    let info = review::find(&snap, branch)?;
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    print!("{}", render_show(&snap, &info, full, colour)?);
    Ok(0)
}

/// The captured inputs the note carries, written into the session's scratch dir.
pub fn captured_from_note(replay: &crate::verify::Replay, session: &Session, printer: &Printer) -> Result<Option<PathBuf>> {
    match &replay.captured_hex {
        Some(h) => {
            let bytes = hex::decode(h).context("the note's captured inputs are not hex")?;
            let p = session.ws.scratch().join("replay-captured.pkl");
            std::fs::write(&p, bytes)?;
            Ok(Some(p))
        }
        None => {
            if replay.captured_sha256.is_some() {
                printer.warn("the captured inputs were too large to store with the branch; replaying on generated inputs only");
            }
            Ok(None)
        }
    }
}

fn accept(cwd: &Path, branches: &[String], py: PythonArgs, sandbox: SandboxArgs, printer: &Printer) -> Result<i32> {
    let snap = Snapshot::open(cwd)?;
    let dirty = review::dirty_files(&snap.repo)?;
    if !dirty.is_empty() {
        bail!(
            "the worktree has uncommitted changes ({}): accepting would mix them with the merge\nhint: commit or stash them first (`git stash`), then run `aiaccel review accept` again",
            dirty.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
        );
    }
    drop(snap);
    let mut refused = 0;
    for name in branches {
        match accept_one(cwd, name, &py, &sandbox, printer) {
            Ok(msg) => printer.step(msg),
            Err(e) => {
                refused += 1;
                printer.step(format!("not accepted: {e:#}"));
            }
        }
    }
    if refused > 0 {
        let rest = if refused == branches.len() { "nothing was merged".to_string() } else { format!("the other {} are merged", branches.len() - refused) };
        printer.step(format!("{refused} of {} branch(es) not accepted; {rest}", branches.len()));
        return Ok(1);
    }
    Ok(0)
}

fn accept_one(cwd: &Path, name: &str, py: &PythonArgs, sandbox: &SandboxArgs, printer: &Printer) -> Result<String> {
    // HEAD as it is now: the branches accepted before this one are part of it
    let snap = Snapshot::open(cwd)?;
    let was = review::HeadAt::read(&snap.repo)?;
    let info = review::find(&snap, name)?;
    let tree = review::check_acceptable(&snap, &info)?;
    let tip = git2::Oid::from_str(&info.tip)?;
    let head = was.commit;
    // the evidence is about aiaccel's commit on the base: when HEAD moved since, or someone
    // added commits to the branch, the merged module is verified against HEAD's original
    let moved = info.base != head.to_string();
    let edited = info.edited;
    if moved || edited {
        let why = if moved { "HEAD moved since the branch was made" } else { "the branch has commits on top of aiaccel's" };
        printer.step(format!("{}: {why}; verifying the merged {} against HEAD's `{}`", info.branch, info.path, info.function));
        let merged = String::from_utf8(review::read_in_tree(&snap.repo, tree, &info.path)?).context("the merged module is not UTF-8")?;
        let runtime = review::runtime_files_in_tree(&snap.repo, tree, &info.path)?;
        let head_src = String::from_utf8(snap.read(&info.path)?).context("the module is not UTF-8 at HEAD")?;
        let f = crate::discover::function_at(&info.path, &head_src, &info.function).map_err(|e| anyhow!(e))?;
        let cfg = SessionConfig { repo: cwd.to_path_buf(), python: py.python.clone(), sandbox: sandbox.clone(), capture: false, min_speedup: 1.2, accept_at_scale: false };
        let replay = info.replay.clone();
        let mut session = Session::start(snap, &cfg, printer)?;
        session.verify = crate::verify::Settings { timeout: session.verify.timeout, ..replay.settings() };
        review::write_missing(&session.ws.root, &runtime)?;
        let captured = captured_from_note(&replay, &session, printer)?;
        let cand = Candidate { origin: Origin::User { path: format!("{}:{}", info.branch, info.path) }, strategy: Strategy::Manual, label: info.branch.clone(), source: String::new(), assumes: String::new() };
        let verdict = match session.verifier().verify_module(&f, merged, &cand, captured.as_deref())? {
            VerifyOutcome::Equivalent(v) => v.verdict().clone(),
            VerifyOutcome::Rejected(v) => v,
            VerifyOutcome::Unverifiable(u) => bail!("{}: cannot verify the merge against HEAD: {}", info.branch, u.message()),
        };
        if !matches!(verdict, Verdict::Equivalent { .. }) {
            bail!("{}: merged onto HEAD, `{}` is no longer equivalent ({}): {}\nhint: run `aiaccel rewrite` on the current HEAD", info.branch, info.function, verdict.short(), verdict.message());
        }
        printer.step(format!("{}: holds at HEAD ({})", info.branch, verdict.short()));
    }
    let repo = git2::Repository::discover(cwd)?;
    let title = info.message.lines().next().unwrap_or("").to_string();
    let msg = format!("Merge {} (aiaccel review accept)\n\n{title}\nEvidence: `aiaccel verify {}` replays it.\n", info.branch, info.branch);
    let new = review::advance_head(&repo, &was, tip, tree, &msg)?;
    let how = if new == tip { "fast-forward" } else { "merge commit" };
    Ok(format!("accepted {} ({}): {how} {}", info.branch, title, &new.to_string()[..10]))
}

fn reject(cwd: &Path, branches: &[String], reason: &str, printer: &Printer) -> Result<i32> {
    let snap = Snapshot::open(cwd)?;
    let mut rejections = Rejections::load(&snap.repo)?;
    let mut failed = 0;
    for name in branches {
        let r = review::find(&snap, name).and_then(|info| {
            // refuse before recording anything: a rejection whose branch stays would hide it
            let b = snap.repo.find_branch(&info.branch, git2::BranchType::Local)?;
            if b.is_head() {
                bail!("{} is checked out, so it cannot be deleted; nothing was recorded\nhint: check out another branch (`git checkout main`) and reject it again", info.branch);
            }
            rejections.add(&snap.repo, &info, reason)?;
            review::delete_branch(&snap.repo, &info.branch)?;
            Ok(info)
        });
        match r {
            Ok(info) => printer.step(format!(
                "rejected {}: deleted; `aiaccel rewrite` will not propose {} of `{}` again while it is unchanged (kept in {})",
                info.branch,
                info.origin,
                info.function,
                rejections.file.display()
            )),
            Err(e) => {
                failed += 1;
                printer.step(format!("not rejected: {e:#}"));
            }
        }
    }
    Ok(if failed > 0 { 1 } else { 0 })
}

fn prune(cwd: &Path, dry_run: bool, printer: &Printer) -> Result<i32> {
    let snap = Snapshot::open(cwd)?;
    let infos = review::list(&snap)?;
    let mut n = 0;
    let current_branch = snap.repo.head().ok().and_then(|h| h.shorthand().map(str::to_string));
    for i in infos.iter().filter(|i| i.state != BranchState::Current) {
        if current_branch.as_deref() == Some(i.branch.as_str()) {
            printer.warn(format!("{} is checked out: kept (check out another branch to prune it)", i.branch));
            continue;
        }
        n += 1;
        if dry_run {
            printer.step(format!("would delete {} ({})", i.branch, i.state.as_str()));
        } else {
            review::delete_branch(&snap.repo, &i.branch)?;
            printer.step(format!("deleted {} ({})", i.branch, i.state.as_str()));
        }
    }
    printer.step(format!("{n} branch(es) {}; {} current kept", if dry_run { "to delete" } else { "deleted" }, infos.len() - n));
    Ok(0)
}

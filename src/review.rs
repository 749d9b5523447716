//! Reviewing aiaccel's branches like pull requests: what each one is (its evidence note),
//! whether it still applies at HEAD, the rejections a reviewer made (so `rewrite` does not
//! propose the same change again), and accepting a branch by merging it.
//!
//! Everything here reads git objects and writes refs and the rejections file in the git dir;
//! only `accept` touches the worktree, and only when the user asks for it on a clean worktree.
//! A branch is accepted only when its function is unchanged at HEAD and, if HEAD moved since
//! the branch was made, the merged module is verified against HEAD's original first.

use crate::bench::Timing;
use crate::git::{self, Snapshot};
use crate::propose::Candidate;
use crate::verify::Replay;
use anyhow::{anyhow, bail, Context, Result};
use git2::{Oid, Repository};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::path::PathBuf;

/// Whether a branch still applies to HEAD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BranchState {
    /// The function is unchanged at HEAD: the branch applies as it was verified.
    Current,
    /// The function changed at HEAD since the branch was made: rerun `aiaccel rewrite`.
    Stale,
    /// The file or the function is gone from HEAD.
    Gone,
    /// Already merged into HEAD.
    Merged,
}

impl BranchState {
    pub fn as_str(self) -> &'static str {
        match self {
            BranchState::Current => "current",
            BranchState::Stale => "stale",
            BranchState::Gone => "gone",
            BranchState::Merged => "merged",
        }
    }
}

/// One aiaccel branch, read from its tip, its evidence note and HEAD.
#[derive(Debug, Clone, Serialize)]
pub struct BranchInfo {
    pub branch: String,
    pub tip: String,
    pub path: String,
    pub function: String,
    pub strategy: String,
    pub origin: String,
    pub state: BranchState,
    /// Speedup at the repo's own call size (largest captured call), where calls were captured.
    pub speedup_real: Option<f64>,
    /// At the largest generated size.
    pub speedup_scale: Option<f64>,
    /// Seconds saved per call at the size the headline is measured at.
    pub saved_per_call_s: Option<f64>,
    pub inputs_checked: usize,
    pub captured_inputs: usize,
    /// The commit the branch was made on.
    pub base: String,
    /// aiaccel's own commit (the one with the evidence note); the tip when nobody added to it.
    pub annotated: String,
    /// The branch has commits on top of aiaccel's (the evidence is about aiaccel's commit).
    pub edited: bool,
    #[serde(skip)]
    pub replay: Replay,
    /// The commit message of aiaccel's commit (title and the evidence body).
    #[serde(skip)]
    pub message: String,
}

impl BranchInfo {
    pub fn timing(&self) -> Option<Timing> {
        self.replay.timing.clone().and_then(|t| serde_json::from_value(t).ok())
    }
}

/// The aiaccel branches of `snap`'s repository (`aiaccel/*`; the group branches of `pr --group`
/// are `aiaccel-pr/*`, a namespace no function's branch can reach), sorted by impact: time
/// saved per call, then speedup.
pub fn list(snap: &Snapshot) -> Result<Vec<BranchInfo>> {
    let repo = &snap.repo;
    let mut out = Vec::new();
    for b in repo.branches(Some(git2::BranchType::Local))? {
        let (b, _) = b?;
        let Some(name) = b.name()?.map(str::to_string) else { continue };
        if !name.starts_with("aiaccel/") {
            continue;
        }
        let tip = b.get().peel_to_commit()?.id();
        if let Some(info) = read_branch(snap, &name, tip)? {
            out.push(info);
        }
    }
    out.sort_by(|a, b| {
        let key = |i: &BranchInfo| (i.state != BranchState::Current, -(i.saved_per_call_s.unwrap_or(0.0)), -(i.speedup_real.or(i.speedup_scale).unwrap_or(0.0)));
        key(a).partial_cmp(&key(b)).unwrap_or(std::cmp::Ordering::Equal).then_with(|| a.branch.cmp(&b.branch))
    });
    Ok(out)
}

/// One branch by name (`aiaccel/...`, or the part after `aiaccel/`).
pub fn find(snap: &Snapshot, name: &str) -> Result<BranchInfo> {
    let repo = &snap.repo;
    let full = if name.starts_with("aiaccel/") { name.to_string() } else { format!("aiaccel/{name}") };
    let b = repo
        .find_branch(&full, git2::BranchType::Local)
        .map_err(|_| anyhow!("no branch {full}\nhint: `aiaccel review` lists the aiaccel branches"))?;
    let tip = b.get().peel_to_commit()?.id();
    read_branch(snap, &full, tip)?.ok_or_else(|| anyhow!("{full} carries no aiaccel evidence note\nhint: only branches made by `aiaccel rewrite` can be reviewed; fetch notes with `git fetch origin '{0}:{0}'`", git::NOTES_REF))
}

fn read_branch(snap: &Snapshot, name: &str, tip: Oid) -> Result<Option<BranchInfo>> {
    let repo = &snap.repo;
    let Some((annotated, note)) = git::find_note(repo, tip)? else { return Ok(None) };
    let Ok(replay) = serde_json::from_str::<Replay>(&note) else { return Ok(None) };
    let message = repo.find_commit(annotated)?.message().unwrap_or("").to_string();
    let state = state_at_head(snap, &replay, tip)?;
    let timing: Option<Timing> = replay.timing.clone().and_then(|t| serde_json::from_value(t).ok());
    let (speedup_real, speedup_scale, saved) = match &timing {
        Some(t) => {
            let at = t.real().or_else(|| t.sizes.iter().rfind(|s| !s.real));
            (t.real().map(|s| s.speedup), t.sizes.iter().any(|s| !s.real).then(|| t.at_scale()), at.map(|s| s.orig_median_s - s.cand_median_s))
        }
        None => (None, None, None),
    };
    Ok(Some(BranchInfo {
        branch: name.to_string(),
        tip: tip.to_string(),
        path: replay.path.clone(),
        function: replay.qualname.clone(),
        strategy: replay.strategy.clone(),
        origin: replay.origin.clone(),
        state,
        speedup_real,
        speedup_scale,
        saved_per_call_s: saved,
        inputs_checked: replay.evidence.cases,
        captured_inputs: replay.evidence.captured,
        base: replay.base.clone(),
        annotated: annotated.to_string(),
        edited: annotated != tip,
        replay,
        message,
    }))
}

/// The text of function `qualname` in `path` at commit `rev`, if both are there.
pub fn function_text(repo: &Repository, rev: Oid, path: &str, qualname: &str) -> Option<String> {
    let bytes = file_at(repo, rev, path)?;
    let src = std::str::from_utf8(&bytes).ok()?;
    crate::discover::function_at(path, src, qualname).ok().map(|f| f.source)
}

/// The content of `path` at commit `rev`, if both are there.
pub fn file_at(repo: &Repository, rev: Oid, path: &str) -> Option<Vec<u8>> {
    read_in_tree(repo, repo.find_commit(rev).ok()?.tree_id(), path).ok()
}

fn state_at_head(snap: &Snapshot, replay: &Replay, tip: Oid) -> Result<BranchState> {
    let repo = &snap.repo;
    if tip == snap.head || repo.graph_descendant_of(snap.head, tip).unwrap_or(false) {
        return Ok(BranchState::Merged);
    }
    let Ok(base) = Oid::from_str(&replay.base) else { return Ok(BranchState::Gone) };
    let Some(now) = function_text(repo, snap.head, &replay.path, &replay.qualname) else { return Ok(BranchState::Gone) };
    Ok(match function_text(repo, base, &replay.path, &replay.qualname) {
        Some(then) if then == now => BranchState::Current,
        _ => BranchState::Stale,
    })
}

/// Delete a branch (its commits become unreachable and go at git's next gc).
pub fn delete_branch(repo: &Repository, name: &str) -> Result<()> {
    let mut b = repo.find_branch(name, git2::BranchType::Local).with_context(|| format!("finding {name}"))?;
    b.delete().with_context(|| format!("deleting {name}"))
}

/// A candidate's text with the runtime modules' hashes taken out, so that the same rewrite
/// made by a later aiaccel (other helper files) is still the same rewrite.
pub fn candidate_digest(source: &str) -> String {
    let mut norm = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(i) = rest.find(crate::runtime::FILE_PREFIX) {
        norm.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(tail.len());
        let word = &tail[..end];
        // `_aiaccel_adapt_1a2b3c4d` -> `_aiaccel_adapt_`
        match word.rsplit_once('_') {
            Some((stem, h)) if h.len() == 8 && h.chars().all(|c| c.is_ascii_hexdigit()) => norm.push_str(stem),
            _ => norm.push_str(word),
        }
        rest = &tail[end..];
    }
    norm.push_str(rest);
    hex::encode(sha2::Sha256::digest(norm.as_bytes()))
}

fn text_digest(s: &str) -> String {
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}

/// A rewrite a reviewer rejected.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Rejection {
    pub path: String,
    pub qualname: String,
    /// `rule:AX001`, `llm:<model>`.
    pub origin: String,
    /// The function's text it was a rewrite of (sha256): a changed function is proposed again.
    pub function_sha256: String,
    /// The rewrite's text (sha256, runtime hashes taken out), where the branch recorded it.
    #[serde(default)]
    pub candidate_sha256: Option<String>,
    pub reason: String,
    pub branch: String,
    /// Unix seconds.
    pub at: u64,
}

impl Rejection {
    /// Whether this rejection covers `cand` proposed for the function whose text is `function_src`.
    /// A rule's rewrite of an unchanged function is the same proposal whatever its helper
    /// versions; a model's is the same when its text is.
    pub fn covers(&self, path: &str, qualname: &str, function_src: &str, cand: &Candidate) -> bool {
        if self.path != path || self.qualname != qualname || self.function_sha256 != text_digest(function_src) || self.origin != cand.origin.to_string() {
            return false;
        }
        match (&self.origin.starts_with("rule:"), &self.candidate_sha256) {
            (true, _) | (false, None) => true,
            (false, Some(h)) => *h == candidate_digest(&cand.source),
        }
    }

    pub fn date(&self) -> String {
        crate::report::date_of(self.at)
    }
}

/// The rejections of one repository, kept in its git dir (`.git/aiaccel/rejections.json`):
/// not in the worktree, not in any branch.
#[derive(Debug, Default)]
pub struct Rejections {
    pub file: PathBuf,
    pub list: Vec<Rejection>,
}

impl Rejections {
    pub fn load(repo: &Repository) -> Result<Rejections> {
        let file = repo.path().join("aiaccel").join("rejections.json");
        let list = match std::fs::read_to_string(&file) {
            Ok(t) => serde_json::from_str(&t).with_context(|| format!("{} is not a list of aiaccel rejections\nhint: fix or delete the file", file.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(anyhow!(e).context(format!("reading {}", file.display()))),
        };
        Ok(Rejections { file, list })
    }

    pub fn find(&self, path: &str, qualname: &str, function_src: &str, cand: &Candidate) -> Option<&Rejection> {
        self.list.iter().find(|r| r.covers(path, qualname, function_src, cand))
    }

    /// Record the rejection of `info` (read from its branch) and save.
    pub fn add(&mut self, repo: &Repository, info: &BranchInfo, reason: &str) -> Result<()> {
        let base = Oid::from_str(&info.base).ok();
        let function = base.and_then(|b| function_text(repo, b, &info.path, &info.function)).ok_or_else(|| {
            anyhow!("cannot read `{}` in {} at the branch's base {}\nhint: the base commit is missing (a shallow clone?)", info.function, info.path, info.base)
        })?;
        let at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        self.list.retain(|r| !(r.path == info.path && r.qualname == info.function && r.origin == info.origin && r.function_sha256 == text_digest(&function)));
        self.list.push(Rejection {
            path: info.path.clone(),
            qualname: info.function.clone(),
            origin: info.origin.clone(),
            function_sha256: text_digest(&function),
            candidate_sha256: info.replay.candidate_sha256.clone(),
            reason: reason.to_string(),
            branch: info.branch.clone(),
            at,
        });
        self.save()
    }

    /// Forget the rejections of a function (`path::qualname` or `qualname`); how many went.
    pub fn forget(&mut self, target: &str) -> Result<usize> {
        let before = self.list.len();
        self.list.retain(|r| !(r.qualname == target || format!("{}::{}", r.path, r.qualname) == target));
        let n = before - self.list.len();
        if n > 0 {
            self.save()?;
        }
        Ok(n)
    }

    fn save(&self) -> Result<()> {
        if let Some(dir) = self.file.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let tmp = self.file.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_string_pretty(&self.list)? + "\n").with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, &self.file).with_context(|| format!("writing {}", self.file.display()))
    }
}

/// Whether the worktree has changes to tracked files (staged or not): `accept` refuses then.
pub fn dirty_files(repo: &Repository) -> Result<Vec<String>> {
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(false).include_ignored(false);
    let st = repo.statuses(Some(&mut opts))?;
    Ok(st.iter().filter(|e| e.status() != git2::Status::CURRENT).filter_map(|e| e.path().map(str::to_string)).collect())
}

/// The merge of `tip` into HEAD, in memory: the tree, or the conflicting paths.
pub fn merge_tree(repo: &Repository, head: Oid, tip: Oid) -> Result<std::result::Result<Oid, Vec<String>>> {
    let ours = repo.find_commit(head)?;
    let theirs = repo.find_commit(tip)?;
    let mut index = repo.merge_commits(&ours, &theirs, None)?;
    if index.has_conflicts() {
        let mut paths = Vec::new();
        for c in index.conflicts()? {
            let c = c?;
            if let Some(e) = c.our.or(c.their).or(c.ancestor) {
                paths.push(String::from_utf8_lossy(&e.path).into_owned());
            }
        }
        return Ok(Err(paths));
    }
    Ok(Ok(index.write_tree_to(repo)?))
}

/// Read a file of a tree.
pub fn read_in_tree(repo: &Repository, tree: Oid, path: &str) -> Result<Vec<u8>> {
    let tree = repo.find_tree(tree)?;
    let e = tree.get_path(std::path::Path::new(path)).with_context(|| format!("{path} is not in the merged tree"))?;
    Ok(repo.find_blob(e.id())?.content().to_vec())
}

/// The runtime files (`_aiaccel_*.py`) beside `module_path` in a tree.
pub fn runtime_files_in_tree(repo: &Repository, tree: Oid, module_path: &str) -> Result<Vec<(String, Vec<u8>)>> {
    let dir = crate::runtime::beside(module_path, "");
    let tree = repo.find_tree(tree)?;
    let sub = if dir.is_empty() { tree } else { repo.find_tree(tree.get_path(std::path::Path::new(dir.trim_end_matches('/')))?.id())? };
    let mut out = Vec::new();
    for e in sub.iter() {
        let Some(name) = e.name() else { continue };
        if name.starts_with(crate::runtime::FILE_PREFIX) && name.ends_with(".py") && e.kind() == Some(git2::ObjectType::Blob) {
            out.push((format!("{dir}{name}"), repo.find_blob(e.id())?.content().to_vec()));
        }
    }
    Ok(out)
}

/// HEAD as it was when an accept started: the branch it is on (None: detached) and its commit.
#[derive(Debug, Clone)]
pub struct HeadAt {
    pub branch: Option<String>,
    pub commit: Oid,
}

impl HeadAt {
    pub fn read(repo: &Repository) -> Result<HeadAt> {
        let h = repo.head().context("reading HEAD")?;
        let branch = if h.is_branch() { Some(h.name().ok_or_else(|| anyhow!("HEAD's branch name is not UTF-8"))?.to_string()) } else { None };
        Ok(HeadAt { branch, commit: h.peel_to_commit()?.id() })
    }
}

/// Write `files` (repo path, content) under `root` where they are not there yet.
pub fn write_missing(root: &std::path::Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    for (p, bytes) in files {
        let dst = root.join(p);
        if !dst.exists() {
            std::fs::write(&dst, bytes).with_context(|| format!("writing {}", dst.display()))?;
        }
    }
    Ok(())
}

/// Make `tree` the new HEAD: a fast-forward to `tip` when HEAD is its parent chain's base, else
/// a merge commit of HEAD and `tip`. The worktree and index follow (a safe checkout: a file
/// the user has changed, or an untracked or ignored one in the way, stops it before any ref
/// moves). `was` is HEAD when the accept started: if the user committed or checked out
/// something meanwhile (during the verification), nothing is changed; the ref moves only from
/// the commit that was verified (compare-and-swap).
pub fn advance_head(repo: &Repository, was: &HeadAt, tip: Oid, tree: Oid, message: &str) -> Result<Oid> {
    let head = was.commit;
    let now = HeadAt::read(repo)?;
    if now.branch != was.branch || now.commit != head {
        bail!("HEAD moved while aiaccel was verifying (a commit or a checkout): nothing was merged or changed\nhint: run `aiaccel review accept` again on the HEAD you want");
    }
    let fast_forward = repo.graph_descendant_of(tip, head).unwrap_or(false);
    let (new, tree_obj) = if fast_forward {
        let c = repo.find_commit(tip)?;
        (tip, c.tree()?)
    } else {
        let sig = match repo.signature() {
            Ok(s) => s,
            Err(_) => git2::Signature::now("aiaccel", "aiaccel@localhost")?,
        };
        let t = repo.find_tree(tree)?;
        let ours = repo.find_commit(head)?;
        let theirs = repo.find_commit(tip)?;
        let id = repo.commit(None, &sig, &sig, message, &t, &[&ours, &theirs])?;
        (id, t)
    };
    let mut co = git2::build::CheckoutBuilder::new();
    co.safe().overwrite_ignored(false);
    repo.checkout_tree(tree_obj.as_object(), Some(&mut co)).map_err(|e| {
        anyhow!(
            "updating the worktree: {} (nothing was changed)\nhint: a file the merge adds or changes is in the way (untracked or ignored): `git status --ignored` shows it; move it away and accept again",
            e.message()
        )
    })?;
    let log = format!("aiaccel review accept: {}", message.lines().next().unwrap_or(""));
    match &was.branch {
        Some(name) => {
            repo.reference_matching(name, new, true, head, &log).with_context(|| format!("moving {name} (it no longer points at the commit that was verified)"))?;
        }
        None => repo.set_head_detached(new)?,
    }
    Ok(new)
}

/// The top-level statements of a module: (name for a def or class, its text).
fn statements(src: &str) -> Vec<(Option<String>, String)> {
    use crate::pyast::ast::Stmt;
    let Ok(body) = crate::pyast::parse_module(src, "<module>") else { return vec![(None, src.to_string())] };
    body.iter()
        .map(|s| {
            let name = match s {
                Stmt::FunctionDef(d) => Some(d.name.to_string()),
                Stmt::ClassDef(c) => Some(c.name.to_string()),
                _ => None,
            };
            (name, src[crate::pyast::def_lines(src, s)].to_string())
        })
        .collect()
}

/// What commits on top of aiaccel's change outside the rewrite, if anything: other files, or
/// statements of the module aiaccel left as they were. The merge verification covers the
/// rewritten function only, so such edits are refused rather than merged unverified:
///     total = 0.0  ->  total = 1.0   # in another function of the module, on the branch
pub fn edits_outside_rewrite(repo: &Repository, info: &BranchInfo) -> Result<Vec<String>> {
    let (base, annotated, tip) = (Oid::from_str(&info.base)?, Oid::from_str(&info.annotated)?, Oid::from_str(&info.tip)?);
    if annotated == tip {
        return Ok(Vec::new());
    }
    let tree = |c: Oid| -> Result<git2::Tree<'_>> { Ok(repo.find_commit(c)?.tree()?) };
    let mut out = Vec::new();
    let diff = repo.diff_tree_to_tree(Some(&tree(annotated)?), Some(&tree(tip)?), None)?;
    for d in diff.deltas() {
        let p = d.new_file().path().or_else(|| d.old_file().path()).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
        if p != info.path {
            out.push(format!("{p} (another file)"));
        }
    }
    let read = |c: Oid| -> String { file_at(repo, c, &info.path).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default() };
    let (b, a, t) = (statements(&read(base)), statements(&read(annotated)), statements(&read(tip)));
    // aiaccel's own statements: those its commit added or changed
    let added: Vec<&(Option<String>, String)> = a.iter().filter(|s| !b.contains(s)).collect();
    let own_names: Vec<&str> = added.iter().filter_map(|s| s.0.as_deref()).collect();
    for s in a.iter().filter(|s| b.contains(s)) {
        if !t.contains(s) {
            out.push(format!("`{}` in {} (aiaccel left it as it was)", s.0.clone().unwrap_or_else(|| s.1.lines().next().unwrap_or("").trim().to_string()), info.path));
        }
    }
    for s in t.iter().filter(|s| !a.contains(s)) {
        let owned = match &s.0 {
            Some(n) => own_names.contains(&n.as_str()),
            None => added.iter().any(|x| x.0.is_none() && x.1.trim_start().starts_with("if __package__")) && s.1.trim_start().starts_with("if __package__"),
        };
        if !owned {
            out.push(format!("`{}` in {} (not part of the rewrite)", s.0.clone().unwrap_or_else(|| s.1.lines().next().unwrap_or("").trim().to_string()), info.path));
        }
    }
    out.dedup();
    Ok(out)
}

/// Check a branch can be accepted onto HEAD: current, and merging cleanly.
pub fn check_acceptable(snap: &Snapshot, info: &BranchInfo) -> Result<Oid> {
    match info.state {
        BranchState::Current => {}
        BranchState::Merged => bail!("{} is already merged", info.branch),
        BranchState::Stale => bail!(
            "{}: `{}` changed at HEAD since the branch was made, so its evidence is about code that is no longer there\nhint: run `aiaccel rewrite` again, then `aiaccel review prune`",
            info.branch,
            info.function
        ),
        BranchState::Gone => bail!("{}: {} or `{}` is no longer in HEAD\nhint: `aiaccel review prune` drops such branches", info.branch, info.path, info.function),
    }
    let outside = edits_outside_rewrite(&snap.repo, info)?;
    if !outside.is_empty() {
        bail!(
            "{} has commits on top of aiaccel's that change more than the rewrite of `{}`: {}\nhint: `aiaccel review accept` verifies only that function; merge such a branch with git after your own review, or move the other edits to a branch of their own",
            info.branch,
            info.function,
            outside.join(", ")
        );
    }
    let tip = Oid::from_str(&info.tip)?;
    match merge_tree(&snap.repo, snap.head, tip)? {
        Ok(tree) => Ok(tree),
        Err(paths) => bail!("{} does not merge cleanly onto HEAD (conflicts in {})\nhint: run `aiaccel rewrite` on the current HEAD for a fresh branch", info.branch, paths.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &std::path::Path, args: &[&str]) -> String {
        let out = std::process::Command::new("git").args(["-c", "user.name=t", "-c", "user.email=t@e", "-c", "init.defaultBranch=main"]).args(args).current_dir(dir).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// A commit made while an accept verifies, or an ignored file where the merge writes, stops
    /// the accept with nothing changed.
    #[test]
    fn advance_head_moves_nothing_when_head_moved_or_a_file_is_in_the_way() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q"]);
        std::fs::write(root.join("a.py"), "x = 1\n").unwrap();
        git(root, &["add", "-A"]);
        git(root, &["commit", "-qm", "base"]);
        git(root, &["checkout", "-qb", "aiaccel/a/f"]);
        std::fs::write(root.join("a.py"), "x = 2\n").unwrap();
        std::fs::write(root.join("_aiaccel_adapt_00000000.py"), "helpers = 1\n").unwrap();
        git(root, &["add", "-A"]);
        git(root, &["commit", "-qm", "rewrite"]);
        let tip = Oid::from_str(&git(root, &["rev-parse", "HEAD"])).unwrap();
        git(root, &["checkout", "-q", "main"]);
        let repo = Repository::open(root).unwrap();
        let was = HeadAt::read(&repo).unwrap();
        let tree = repo.find_commit(tip).unwrap().tree_id();

        // the user commits meanwhile: refused, their commit and file stay
        std::fs::write(root.join("notes.txt"), "my work\n").unwrap();
        git(root, &["add", "-A"]);
        git(root, &["commit", "-qm", "user work"]);
        let user = git(root, &["rev-parse", "HEAD"]);
        let e = advance_head(&repo, &was, tip, tree, "merge").unwrap_err().to_string();
        assert!(e.contains("HEAD moved while aiaccel was verifying"), "{e}");
        assert_eq!(git(root, &["rev-parse", "HEAD"]), user);
        assert_eq!(std::fs::read_to_string(root.join("notes.txt")).unwrap(), "my work\n");

        // an ignored file where the merge adds one: refused, its content kept
        let was = HeadAt::read(&repo).unwrap();
        std::fs::write(root.join(".git/info/exclude"), "_aiaccel_*\n").unwrap();
        std::fs::write(root.join("_aiaccel_adapt_00000000.py"), "MINE\n").unwrap();
        let tree = match merge_tree(&repo, was.commit, tip).unwrap() {
            Ok(t) => t,
            Err(p) => panic!("conflicts {p:?}"),
        };
        assert!(advance_head(&repo, &was, tip, tree, "merge").is_err());
        assert_eq!(std::fs::read_to_string(root.join("_aiaccel_adapt_00000000.py")).unwrap(), "MINE\n");
        assert_eq!(git(root, &["rev-parse", "HEAD"]), user);

        // with the way clear it merges, and the ref moves from the verified commit
        std::fs::remove_file(root.join("_aiaccel_adapt_00000000.py")).unwrap();
        let new = advance_head(&repo, &was, tip, tree, "merge").unwrap();
        assert_eq!(git(root, &["rev-parse", "HEAD"]), new.to_string());
        assert_eq!(std::fs::read_to_string(root.join("a.py")).unwrap(), "x = 2\n");
    }

    #[test]
    fn candidate_digest_ignores_runtime_hashes_only() {
        let a = "from ._aiaccel_adapt_1a2b3c4d import _aiaccel_arr\nx = 1\n";
        let b = "from ._aiaccel_adapt_99999999 import _aiaccel_arr\nx = 1\n";
        let c = "from ._aiaccel_adapt_99999999 import _aiaccel_arr\nx = 2\n";
        assert_eq!(candidate_digest(a), candidate_digest(b));
        assert_ne!(candidate_digest(b), candidate_digest(c));
    }
}

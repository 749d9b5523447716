//! Git, the bottom layer: read the HEAD snapshot, write it to a temp dir, read evidence notes,
//! and the low-level commit of one file on top of HEAD. It imports no pipeline stage; turning an
//! `Accepted` into a branch (message, note) is `publish`'s job, and `Snapshot::commit_branch`
//! is private to the crate so that `publish::commit` is the only way to a branch.
//!
//! Everything is read from HEAD's tree, never the worktree: a user's uncommitted edit must never
//! leak into a branch. Blobs, trees and commits are built in memory; a ref is created only once
//! its commit is complete, and an existing branch is never overwritten. The worktree, the index
//! and HEAD are never touched.

use anyhow::{anyhow, bail, Context, Result};
use git2::{ObjectType, Oid, Repository, Signature, TreeWalkMode, TreeWalkResult};
use std::path::{Path, PathBuf};

/// A file of the HEAD tree.
#[derive(Debug, Clone)]
pub struct SnapshotFile {
    /// Repo-relative path, forward slashes.
    pub path: String,
    pub oid: Oid,
    pub mode: i32,
    pub size: usize,
}

pub struct Snapshot {
    pub repo: Repository,
    /// The worktree root (the repository's top level).
    pub root: PathBuf,
    pub head: Oid,
    pub head_short: String,
    pub files: Vec<SnapshotFile>,
}

/// Where the evidence of each accepted rewrite lives: a git note on its commit (not a file in
/// the diff), so `aiaccel verify BRANCH` can replay it.
pub const NOTES_REF: &str = "refs/notes/aiaccel";

pub const MODE_LINK: i32 = 0o120000;
pub const MODE_COMMIT: i32 = 0o160000;

impl Snapshot {
    /// Open the repository containing `path` and read HEAD's tree.
    pub fn open(path: &Path) -> Result<Snapshot> {
        Self::open_at(path, None)
    }

    /// Open the repository containing `path` and read the tree of `rev` (HEAD when `None`).
    pub fn open_at(path: &Path, rev: Option<&str>) -> Result<Snapshot> {
        let repo = Repository::discover(path).map_err(|e| {
            anyhow!(
                "{} is not inside a git repository ({})\nhint: run `git init && git add -A && git commit -m init` there first",
                path.display(),
                e.message()
            )
        })?;
        if repo.is_bare() {
            bail!("{} is a bare repository: aiaccel needs a checkout\nhint: run it in a clone with a worktree", path.display());
        }
        let root = repo.workdir().ok_or_else(|| anyhow!("repository has no worktree"))?.to_path_buf();
        let head = match rev {
            Some(r) => repo
                .revparse_single(r)
                .and_then(|o| o.peel_to_commit())
                .map_err(|e| anyhow!("{r} is not a commit in {}: {}\nhint: list branches with `git branch --list 'aiaccel/*'`", root.display(), e.message()))?,
            None => match repo.head() {
            Ok(h) => h.peel_to_commit().context("HEAD does not point to a commit")?,
            Err(e) if e.code() == git2::ErrorCode::UnbornBranch || e.code() == git2::ErrorCode::NotFound => {
                bail!(
                    "the repository at {} has no commits yet: aiaccel reads code from HEAD\nhint: commit your code first (`git add -A && git commit -m 'initial'`)",
                    root.display()
                )
            }
            Err(e) => return Err(anyhow!(e).context("reading HEAD")),
            },
        };
        let tree = head.tree()?;
        let mut files = Vec::new();
        tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
            if entry.kind() == Some(ObjectType::Blob) || entry.filemode() == MODE_COMMIT {
                if let Some(name) = entry.name() {
                    files.push(SnapshotFile { path: format!("{dir}{name}"), oid: entry.id(), mode: entry.filemode(), size: 0 });
                }
            }
            TreeWalkResult::Ok
        })?;
        for f in files.iter_mut().filter(|f| f.mode != MODE_COMMIT) {
            if let Ok(obj) = repo.odb().and_then(|odb| odb.read_header(f.oid)) {
                f.size = obj.0;
            }
        }
        let head_id = head.id();
        let head_short = head_id.to_string()[..10].to_string();
        drop(tree);
        drop(head);
        Ok(Snapshot { repo, root, head: head_id, head_short, files })
    }

    /// The blob at `path` in HEAD.
    pub fn read(&self, path: &str) -> Result<Vec<u8>> {
        let f = self
            .files
            .iter()
            .find(|f| f.path == path)
            .ok_or_else(|| anyhow!("{path} is not in HEAD ({})\nhint: commit the file first; aiaccel reads HEAD, not the worktree", self.head_short))?;
        Ok(self.repo.find_blob(f.oid)?.content().to_vec())
    }

    /// Whether `path` matches the repository's ignore rules (a committed file can).
    pub fn is_ignored(&self, path: &str) -> bool {
        self.repo.is_path_ignored(path).unwrap_or(false)
    }

    /// Write the snapshot's regular files into `dir` (submodules and symlinks are skipped;
    /// files larger than `max_file` bytes too). Returns how many files were written.
    pub fn materialize(&self, dir: &Path, max_file: usize) -> Result<usize> {
        let mut n = 0;
        for f in &self.files {
            if f.mode == MODE_COMMIT || f.mode == MODE_LINK || f.size > max_file {
                continue;
            }
            let dest = dir.join(&f.path);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let blob = self.repo.find_blob(f.oid)?;
            std::fs::write(&dest, blob.content()).with_context(|| format!("writing {}", dest.display()))?;
            n += 1;
        }
        Ok(n)
    }

    /// The content of `path` on each branch `base`, `base-2`, ... made on top of this HEAD: what
    /// earlier runs of the same snapshot committed for that function.
    pub fn committed_on_branches(&self, path: &str, base: &str) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let Ok(branches) = self.repo.branches(Some(git2::BranchType::Local)) else { return out };
        for (b, _) in branches.flatten() {
            let Ok(Some(name)) = b.name() else { continue };
            let ours = name == base || name.strip_prefix(base).and_then(|s| s.strip_prefix('-')).is_some_and(|k| k.parse::<u32>().is_ok());
            let Ok(c) = b.get().peel_to_commit() else { continue };
            if !ours || c.parent_ids().collect::<Vec<_>>() != vec![self.head] {
                continue;
            }
            if let Some(blob) = c.tree().ok().and_then(|t| t.get_path(Path::new(path)).ok()).and_then(|e| self.repo.find_blob(e.id()).ok()) {
                out.push(blob.content().to_vec());
            }
        }
        out
    }

    /// Commit `new_content` at `path` on top of HEAD and create a branch for it.
    /// Returns the branch actually created (`base`, or `base-2`, `base-3`, ... if taken).
    /// `files`: (repo path, new content), each written over or added to HEAD's tree.
    pub(crate) fn commit_branch(&self, files: &[(String, Vec<u8>)], message: &str, base: &str, note: Option<&str>) -> Result<(String, Oid)> {
        let repo = &self.repo;
        let head = repo.find_commit(self.head)?;
        let mut tree = head.tree()?;
        for (path, content) in files {
            let blob = repo.blob(content)?;
            let mode = self.files.iter().find(|f| &f.path == path).map(|f| f.mode).unwrap_or(0o100644);
            let parts: Vec<&str> = path.split('/').collect();
            let id = replace_in_tree(repo, Some(tree), &parts, blob, mode)?;
            tree = repo.find_tree(id)?;
        }
        let sig = signature(repo)?;
        // No ref is moved by the commit itself; the branch is created afterwards.
        let commit = repo.commit(None, &sig, &sig, message, &tree, &[&head])?;
        let commit_obj = repo.find_commit(commit)?;
        // the evidence note goes on before the branch exists: a run killed in between leaves an
        // unreferenced commit with a note, never a branch without its evidence
        if let Some(text) = note {
            repo.note(&sig, &sig, Some(NOTES_REF), commit, text, true).context("writing the evidence note")?;
        }
        for k in 1..1000 {
            let name = if k == 1 { base.to_string() } else { format!("{base}-{k}") };
            if let Ok(existing) = repo.find_branch(&name, git2::BranchType::Local) {
                // the same rewrite of the same HEAD (a run killed after its branch was made and
                // then resumed): reuse it instead of making a duplicate
                if let Ok(c) = existing.get().peel_to_commit() {
                    if c.tree_id() == tree.id() && c.parent_ids().collect::<Vec<_>>() == vec![self.head] {
                        return Ok((name, c.id()));
                    }
                }
                continue;
            }
            match repo.branch(&name, &commit_obj, false) {
                Ok(_) => return Ok((name, commit)),
                Err(e) if e.code() == git2::ErrorCode::Exists => continue,
                Err(e) => return Err(anyhow!(e).context(format!("creating branch {name}"))),
            }
        }
        bail!("could not find a free branch name for {base}")
    }
}

fn replace_in_tree(repo: &Repository, tree: Option<git2::Tree<'_>>, parts: &[&str], blob: Oid, mode: i32) -> Result<Oid> {
    let mut builder = repo.treebuilder(tree.as_ref())?;
    if parts.len() == 1 {
        builder.insert(parts[0], blob, mode)?;
    } else {
        let sub = match tree.as_ref().and_then(|t| t.get_name(parts[0]).map(|e| e.id())) {
            Some(id) => Some(repo.find_tree(id)?),
            None => None,
        };
        let id = replace_in_tree(repo, sub, &parts[1..], blob, mode)?;
        builder.insert(parts[0], id, 0o040000)?;
    }
    Ok(builder.write()?)
}

fn signature(repo: &Repository) -> Result<Signature<'static>> {
    match repo.signature() {
        Ok(s) => Ok(Signature::now(s.name().unwrap_or("aiaccel"), s.email().unwrap_or("aiaccel@localhost"))?),
        Err(_) => Ok(Signature::now("aiaccel", "aiaccel@localhost")?),
    }
}

/// The evidence note of `commit`, or of the nearest first-parent ancestor that has one (a
/// branch may have commits on top of aiaccel's). Returns (annotated commit, note text).
pub fn find_note(repo: &Repository, tip: Oid) -> Result<Option<(Oid, String)>> {
    let mut c = repo.find_commit(tip)?;
    for _ in 0..200 {
        if let Ok(n) = repo.find_note(Some(NOTES_REF), c.id()) {
            if let Some(m) = n.message() {
                return Ok(Some((c.id(), m.to_string())));
            }
        }
        match c.parent(0) {
            Ok(p) => c = p,
            Err(_) => break,
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    //! `commit_branch` is private to the crate (branches come from `publish::commit` only), so
    //! its test lives here rather than in tests/.
    use super::Snapshot;
    use std::path::Path;
    use std::process::Command;

    fn git(cwd: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(cwd)
            .output()
            .expect("git");
        assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    fn tree_bytes(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().unwrap() == ".git" {
                continue;
            }
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().to_string();
            if p.is_dir() {
                tree_bytes(base, &p, out);
            } else {
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
        out.sort();
    }

    fn snapshot_of_tree(root: &Path) -> Vec<(String, Vec<u8>)> {
        let mut v = Vec::new();
        tree_bytes(root, root, &mut v);
        v
    }

    #[test]
    fn commit_branch_builds_from_head_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let root = &dir.path().join("repo");
        std::fs::create_dir_all(root.join("pkg/sub")).unwrap();
        git(root, &["init", "-q"]);
        std::fs::write(root.join("pkg/a.py"), "x = 1\n").unwrap();
        std::fs::write(root.join("pkg/sub/b.py"), "y = 2\n").unwrap();
        std::fs::write(root.join("README"), "hi\n").unwrap();
        git(root, &["add", "-A"]);
        git(root, &["commit", "-q", "-m", "initial"]);
        std::fs::write(root.join("pkg/a.py"), "x = 'dirty, uncommitted'\n").unwrap();
        git(root, &["add", "README"]);
        let before = snapshot_of_tree(root);
        let status = git(root, &["status", "--porcelain"]);
        let head = git(root, &["rev-parse", "HEAD"]);

        let snap = Snapshot::open(root).unwrap();
        assert_eq!(snap.read("pkg/a.py").unwrap(), b"x = 1\n", "reads HEAD, not the worktree");
        let (b1, c1) = snap.commit_branch(&[("pkg/sub/b.py".into(), b"y = 3\n".to_vec())], "perf(b): test\n\nbody\n", "aiaccel/pkg.sub.b/f", None).unwrap();
        assert_eq!(b1, "aiaccel/pkg.sub.b/f");
        let (b2, c2) = snap.commit_branch(&[("pkg/sub/b.py".into(), b"y = 4\n".to_vec())], "perf(b): again\n", "aiaccel/pkg.sub.b/f", None).unwrap();
        assert_eq!(b2, "aiaccel/pkg.sub.b/f-2");
        assert_ne!(c1, c2);
        assert_eq!(git(root, &["rev-parse", &b1]).trim(), c1.to_string(), "first branch kept");

        assert_eq!(snapshot_of_tree(root), before);
        assert_eq!(git(root, &["status", "--porcelain"]), status);
        assert_eq!(git(root, &["rev-parse", "HEAD"]), head);
        assert_eq!(git(root, &["show", &format!("{b1}:pkg/sub/b.py")]), "y = 3\n");
        assert_eq!(git(root, &["show", &format!("{b1}:pkg/a.py")]), "x = 1\n", "the dirty edit did not leak");
        assert_eq!(git(root, &["diff", "--name-only", head.trim(), &b1]).trim(), "pkg/sub/b.py");
    }
}

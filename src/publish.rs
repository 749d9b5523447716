//! Publishing an accepted rewrite as a branch `aiaccel/<module>/<function>`: the commit message
//! (from `report`), the evidence note (a `verify::Replay`) and the commit itself (through the
//! crate-private `git::Snapshot::commit_branch`).
//!
//! This sits above bench and report, so that `git` stays the bottom layer. `commit` takes an
//! `Accepted` and nothing else: an unverified or slower rewrite cannot reach a branch. It never
//! touches the worktree, the index or HEAD, and never overwrites a branch.

use crate::bench::Accepted;
use crate::discover::Function;
use crate::git::Snapshot;
use crate::verify::{self, Replay};
use anyhow::{Context, Result};
use git2::Oid;
use std::path::Path;

/// Commit an accepted rewrite as branch `aiaccel/<module>/<function>` (suffixed if taken),
/// with `note` (the evidence) under `git::NOTES_REF`.
pub fn commit(snap: &Snapshot, f: &Function, a: &Accepted, original_module: &str, note: Option<&str>) -> Result<(String, Oid)> {
    let new = a.verified().module_text();
    let stats = crate::edit::Diff { path: &f.path, old: original_module, new }.stats();
    let msg = crate::report::commit_message(f, a, &snap.head_short, stats);
    let base = branch_name(f);
    snap.commit_branch(&branch_files(&f.path, new), &msg, &base, note)
}

/// The files a branch writes: the module, and beside it the runtime modules it imports (the
/// same text in every branch, so that branches of one module merge without conflict).
pub fn branch_files(path: &str, module_text: &str) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![(path.to_string(), module_text.as_bytes().to_vec())];
    for m in crate::runtime::imported_by(module_text) {
        files.push((crate::runtime::beside(path, &m.file_name()), m.text.as_bytes().to_vec()));
    }
    files
}

/// Commit `a` with the evidence note `aiaccel verify BRANCH` replays: the comparison settings it
/// was verified under, the evidence, the timing and the captured inputs. Returns the branch.
pub fn publish(snap: &Snapshot, f: &Function, a: &Accepted, original_module: &str, settings: &verify::Settings, captured: Option<&Path>) -> Result<String> {
    let v = a.verified();
    let replay = Replay::new(f, &snap.head.to_string(), v.candidate(), settings, v.evidence(), serde_json::to_value(a.timing()).ok(), captured);
    let note = serde_json::to_string_pretty(&replay)?;
    let (branch, _) = commit(snap, f, a, original_module, Some(&note)).with_context(|| format!("committing the rewrite of {}", f.id()))?;
    Ok(branch)
}

/// `aiaccel/<module>/<function>`, with characters git refuses replaced.
pub fn branch_name(f: &Function) -> String {
    let clean = |s: &str| -> String {
        s.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') { c } else { '-' }).collect::<String>().trim_matches('.').to_string()
    };
    format!("aiaccel/{}/{}", clean(&f.module), clean(&f.qualname))
}

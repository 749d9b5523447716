//! `aiaccel verify BRANCH`: replay the evidence stored with an accepted branch (its git note
//! under refs/notes/aiaccel) against the branch as it is now. Exit 0 when the branch still
//! holds, 1 when its version of the function is no longer equivalent to the original, 2 when
//! it cannot be checked (no evidence note, file gone, no Python).
//!
//! The original is read from the commit the evidence names as base; the candidate is the
//! branch tip's file, so hand edits made on the branch after aiaccel are what gets checked.

use crate::cli::VerifyBranchConfig;
use crate::git::{self, Snapshot};
use crate::pipeline::Session;
use crate::printer::Printer;
use crate::propose::{Candidate, Origin, Strategy};
use crate::verify::{Replay, Verdict, VerifyOutcome};
use anyhow::{anyhow, bail, Context, Result};

pub fn run(args: VerifyBranchConfig, printer: &Printer) -> Result<i32> {
    let cwd = args.session.repo.clone();
    let tip_snap = Snapshot::open_at(&cwd, Some(&args.branch))?;
    let tip = tip_snap.head;
    let Some((annotated, note)) = git::find_note(&tip_snap.repo, tip)? else {
        bail!(
            "{} carries no aiaccel evidence (no note under {} on it or its first-parent ancestors)\nhint: only branches made by `aiaccel rewrite` can be replayed; fetch notes with `git fetch origin '{}:{}'`",
            args.branch,
            git::NOTES_REF,
            git::NOTES_REF,
            git::NOTES_REF
        );
    };
    let replay: Replay = serde_json::from_str(&note).with_context(|| format!("the evidence note on {annotated} is not aiaccel's"))?;
    let base = Snapshot::open_at(&cwd, Some(&replay.base))?;
    let original_src = String::from_utf8(base.read(&replay.path)?).with_context(|| format!("{} is not UTF-8 at {}", replay.path, replay.base))?;
    let candidate_src = String::from_utf8(
        tip_snap.read(&replay.path).map_err(|_| anyhow!("{} no longer has {}\nhint: the branch deleted or moved the file", args.branch, replay.path))?,
    )
    .context("the branch's file is not UTF-8")?;
    let f = crate::discover::function_at(&replay.path, &original_src, &replay.qualname).map_err(|e| anyhow!(e))?;
    printer.step(format!(
        "replaying the evidence of {} ({} on {}, {} cases, seed {}, rtol {:e}) against {} at {}",
        args.branch,
        replay.origin,
        &replay.base[..10.min(replay.base.len())],
        replay.evidence.cases,
        replay.seed,
        replay.rtol,
        replay.path,
        &tip.to_string()[..10]
    ));
    if tip != annotated {
        printer.step(format!("  the branch has commits on top of aiaccel's {}; checking the tip", &annotated.to_string()[..10]));
    }
    let mut session = Session::start(base, &args.session, printer)?;
    // the runtime modules the branch added beside the module (an older aiaccel's have other
    // names than this one's): the candidate imports them
    let tip_tree = tip_snap.repo.find_commit(tip)?.tree_id();
    crate::review::write_missing(&session.ws.root, &crate::review::runtime_files_in_tree(&tip_snap.repo, tip_tree, &replay.path)?)?;
    // the comparison rules the branch was accepted under, not the project's current ones
    session.verify = crate::verify::Settings { timeout: session.verify.timeout, ..replay.settings() };
    let captured = super::review::captured_from_note(&replay, &session, printer)?;
    let cand = Candidate {
        origin: Origin::User { path: format!("{}:{}", args.branch, replay.path) },
        strategy: Strategy::Manual,
        label: args.branch.clone(),
        source: String::new(),
        assumes: String::new(),
    };
    let verdict = match session.verifier().verify_module(&f, candidate_src, &cand, captured.as_deref())? {
        VerifyOutcome::Equivalent(v) => v.verdict().clone(),
        VerifyOutcome::Rejected(verdict) => verdict,
        VerifyOutcome::Unverifiable(u) => bail!("cannot replay {}: {}", args.branch, u.message()),
    };
    match &verdict {
        Verdict::Equivalent { cases, captured, .. } => {
            printer.step(format!("holds: {} on {} still matches the original on {cases} inputs ({captured} captured)", f.qualname, args.branch));
            if *cases < replay.evidence.cases {
                printer.warn(format!("fewer inputs than when it was accepted ({cases} < {})", replay.evidence.cases));
            }
            Ok(0)
        }
        other => {
            printer.step(format!("DOES NOT HOLD ({}): {}", other.short(), other.message()));
            Ok(1)
        }
    }
}

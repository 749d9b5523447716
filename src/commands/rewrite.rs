//! `aiaccel rewrite PATH`: the whole pipeline over a repository's HEAD.
//! Never touches the worktree, the index or HEAD; branches only.

use crate::bench::{Accepted, BenchVerdict, Bencher};
use crate::cli::RewriteArgs;
use crate::discover::{self, Function, FunctionKind};
use crate::git::{self, Snapshot};
use crate::printer::Printer;
use crate::propose::rules::RuleEngine;
use crate::propose::{Candidate, ProposeContext, Proposer};
use crate::report::{CandidateReport, FunctionReport, Report, Status};
use crate::verify::{self, Verdict, Verifier, Workspace};
use anyhow::{Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub fn run(args: RewriteArgs, printer: &Printer) -> Result<i32> {
    let started = Instant::now();
    let snap = Snapshot::open(&args.path)?;
    printer.step(format!("aiaccel: reading HEAD {} of {}", snap.head_short, snap.root.display()));
    let found = discover::discover(&snap);
    for w in &found.warnings {
        printer.warn(w);
    }
    let filter = build_filter(&args.functions)?;
    let mut functions: Vec<Function> = found.functions.into_iter().filter(|f| matches(&filter, f)).collect();
    if let Some(n) = args.max_functions {
        functions.truncate(n);
    }
    let mut report = Report::default();
    report.summary.head = snap.head.to_string();
    report.summary.files_scanned = found.files_scanned;
    report.summary.warnings = found.warnings.clone();
    for s in found.skipped.iter().filter(|s| filter.as_ref().map(|g| g.is_match(&s.qualname) || g.is_match(format!("{}::{}", s.path, s.qualname))).unwrap_or(true)) {
        report.functions.push(FunctionReport {
            path: s.path.clone(),
            function: s.qualname.clone(),
            line: 0,
            status: Status::Skipped,
            reason: s.reason.clone(),
            strategy: None,
            origin: None,
            speedup: None,
            branch: None,
            captured_calls: 0,
            candidates: vec![],
            evidence: None,
        });
    }
    printer.step(format!(
        "discovered {} candidate functions in {} Python files ({} more skipped)",
        functions.len(),
        found.files_scanned,
        found.skipped.len()
    ));
    if functions.is_empty() {
        report.summary.seconds = started.elapsed().as_secs_f64();
        report.finish();
        return finish(&args, printer, &report);
    }
    let interp = crate::python::resolve(args.py.python.as_deref(), &snap.root, printer)?;
    report.summary.python = format!("{} ({})", interp.path.display(), interp.version);
    report.summary.numpy = interp.numpy.clone().unwrap_or_default();
    report.summary.numba = interp.numba.clone().unwrap_or_default();
    let mut ws = Workspace::new(&snap)?;
    ws.limits = args.sandbox.limits();

    // real inputs from the repo's own tests
    let targets: Vec<&Function> = functions.iter().filter(|f| !matches!(f.kind, FunctionKind::Method)).collect();
    let captured = if args.no_capture {
        None
    } else {
        let pb = printer.spinner("capturing calls from the repo's tests");
        let c = verify::capture(&interp, &ws, &snap, &targets, Duration::from_secs(300))?;
        pb.finish_and_clear();
        let total: usize = c.counts.values().sum();
        printer.step(format!("capture: {}; {} calls recorded", c.note, total));
        Some(c)
    };
    report.summary.capture = captured.as_ref().map(|c| c.note.clone()).unwrap_or_else(|| "disabled (--no-capture)".into());

    let mut proposers: Vec<Box<dyn Proposer>> = vec![Box::new(RuleEngine::new())];
    if !args.no_llm {
        let chosen = match &args.llm_url {
            Some(url) => crate::propose::local_model::proposer_from_endpoint(url, &args.llm_model, !args.llm_whole_function, args.llm_samples, printer).map(Some),
            None => crate::propose::local_model::proposer_from_args(args.model.as_deref(), !args.llm_whole_function, args.llm_samples, printer),
        };
        match chosen {
            Ok(Some(p)) => proposers.push(p),
            Ok(None) => {}
            Err(e) => {
                let msg = format!("the local model is not available, continuing with rules only: {e:#}");
                printer.warn(&msg);
                report.summary.warnings.push(msg);
            }
        }
    }

    let (project_settings, warning) = verify::Settings::for_snapshot(&snap);
    if let Some(w) = warning {
        printer.warn(&w);
        report.summary.warnings.push(w);
    }
    let verifier = Verifier { interp: &interp, ws: &ws, settings: verify::Settings { timeout: Duration::from_secs(args.sandbox.timeout), ..project_settings } };
    let bencher = Bencher {
        interp: &interp,
        ws: &ws,
        settings: crate::bench::Settings { min_speedup: args.min_speedup, accept_at_scale: args.accept_at_scale, ..Default::default() },
        seed: verifier.settings.seed,
    };
    let ids: Vec<String> = functions.iter().map(|f| f.id()).collect();
    let root = snap.root.canonicalize().unwrap_or_else(|_| snap.root.clone());
    let key = crate::journal::key(&[
        &root.display().to_string(),
        &snap.head.to_string(),
        &ids.join(","),
        &format!("llm={} model={:?} url={:?} n={} min={} dry={} scale={}", !args.no_llm, args.model, args.llm_url, args.llm_functions, args.min_speedup, args.dry_run, args.accept_at_scale),
    ]);
    let mut journal = crate::journal::Journal::open(&crate::paths::cache_dir(), &key, args.resume);
    if let Some(w) = journal.warning.clone() {
        printer.warn(&w);
        report.summary.warnings.push(w);
    }
    if args.resume {
        printer.step(format!("resuming: {} of {} functions already done ({})", journal.done.len().min(functions.len()), functions.len(), journal.path().display()));
    }
    let pb = printer.bar(functions.len() as u64, "rewrite");
    let mut module_cache: BTreeMap<String, String> = BTreeMap::new();
    let mut llm_budget = args.llm_functions;
    for f in &functions {
        if let Some(fr) = journal.done.get(&crate::journal::entry_id(&f.path, &f.qualname)) {
            let status = serde_json::to_value(fr.status).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
            printer.line(&pb, format!("  resumed  {}: {status} in the earlier run{}", f.id(), fr.branch.as_ref().map(|b| format!(" -> {b}")).unwrap_or_default()));
            report.functions.push(fr.clone());
            pb.inc(1);
            continue;
        }
        pb.set_message(f.id());
        let src = match module_cache.get(&f.path) {
            Some(s) => s.clone(),
            None => {
                let s = String::from_utf8(snap.read(&f.path)?).context("module is not UTF-8")?;
                module_cache.insert(f.path.clone(), s.clone());
                s
            }
        };
        let cap_file = captured.as_ref().and_then(|c| c.file_for(f));
        let cap_n = captured.as_ref().and_then(|c| c.counts.get(&verify::capture_id(f)).copied()).unwrap_or(0);
        let (fr, _) = process_function(f, &src, &mut proposers, &verifier, &bencher, cap_file.as_deref(), cap_n, &snap, args.dry_run, &mut llm_budget, &pb, printer)?;
        let line = match fr.status {
            Status::Accepted => format!(
                "  accepted {}: {:.1}x via {}, {}{}",
                f.id(),
                fr.speedup.unwrap_or(0.0),
                fr.origin.clone().unwrap_or_default(),
                evidence_words(&fr),
                fr.branch.as_ref().map(|b| format!(" -> {b}")).unwrap_or_default()
            ),
            Status::Rejected => format!("  rejected {}: {}", f.id(), fr.reason.lines().next().unwrap_or("")),
            Status::Skipped => format!("  skipped  {}: {}", f.id(), fr.reason.lines().next().unwrap_or("")),
        };
        // on disk before it is announced: whatever was announced is never redone by --resume
        journal.record(&fr);
        printer.line(&pb, line);
        report.functions.push(fr);
        pb.inc(1);
    }
    pb.finish_and_clear();
    if let Some(w) = journal.warning.take() {
        if !report.summary.warnings.contains(&w) {
            printer.warn(&w);
            report.summary.warnings.push(w);
        }
    }
    report.summary.seconds = started.elapsed().as_secs_f64();
    report.summary.proposers = proposers.iter().filter_map(|p| p.stats().map(|s| (p.name(), s))).collect();
    report.finish();
    finish(&args, printer, &report)
}

fn finish(args: &RewriteArgs, printer: &Printer, report: &Report) -> Result<i32> {
    if args.json {
        println!("{}", serde_json::to_string_pretty(report)?);
    }
    printer.step(format!("\n{}", report.human()));
    Ok(0)
}

/// Propose, verify and benchmark one function; commit the best accepted rewrite unless
/// `dry_run`. Also used by `aiaccel eval`, which scores the `Accepted` it returns.
#[allow(clippy::too_many_arguments)]
pub(crate) fn process_function(
    f: &Function,
    src: &str,
    proposers: &mut [Box<dyn Proposer>],
    verifier: &Verifier<'_>,
    bencher: &Bencher<'_>,
    captured: Option<&std::path::Path>,
    captured_n: usize,
    snap: &Snapshot,
    dry_run: bool,
    llm_budget: &mut usize,
    pb: &indicatif::ProgressBar,
    printer: &Printer,
) -> Result<(FunctionReport, Option<Accepted>)> {
    let mut fr = FunctionReport {
        path: f.path.clone(),
        function: f.qualname.clone(),
        line: f.line,
        status: Status::Rejected,
        reason: String::new(),
        strategy: None,
        origin: None,
        speedup: None,
        branch: None,
        captured_calls: captured_n,
        candidates: vec![],
        evidence: None,
    };
    if f.kind == FunctionKind::Method {
        fr.status = Status::Skipped;
        fr.reason = "a method taking `self`: aiaccel cannot build instances to test it yet".into();
        return Ok((fr, None));
    }
    let ctx = ProposeContext { function: f, module_source: src, observed_inputs: None };
    let mut misses = Vec::new();
    let mut proposed = 0usize;
    let mut accepted: Vec<Accepted> = Vec::new();
    for pi in 0..proposers.len() {
        if proposers[pi].only_as_fallback() {
            if !accepted.is_empty() || *llm_budget == 0 {
                continue; // a rule already made it faster (the model is for what rules cannot do), or no budget left
            }
            *llm_budget -= 1;
        }
        pb.set_message(format!("{} (proposing: {})", f.id(), proposers[pi].name()));
        let candidates = match proposers[pi].propose(&ctx) {
            Ok(c) => c,
            Err(e) => {
                // a proposer's own failure (model endpoint down, model file unreadable) is said
                // out loud; the other proposers' results stand
                printer.line(pb, format!("warning: {} failed on {}: {e:#}", proposers[pi].name(), f.id()));
                misses.push(format!("{} failed: {e:#}", proposers[pi].name()));
                continue;
            }
        };
        proposed += candidates.len();
        let mut queue: Vec<(Candidate, usize)> = candidates.into_iter().map(|c| (c, 0)).collect();
        let mut i = 0;
        while i < queue.len() {
            let (cand, round) = queue[i].clone();
            i += 1;
            pb.set_message(format!("{} (verifying {})", f.id(), cand.label));
            let t0 = Instant::now();
            let outcome = match verifier.verify(f, src, &cand, captured)? {
                Ok(o) => o,
                Err(unverifiable) => {
                    fr.status = Status::Skipped;
                    fr.reason = format!("cannot be verified: {}", unverifiable.message());
                    return Ok((fr, None));
                }
            };
            let (verdict, verified) = outcome;
            let mut cr = CandidateReport {
                origin: cand.origin.to_string(),
                label: cand.label.clone(),
                verdict: verdict.short().replace(' ', "_"),
                message: (!matches!(verdict, Verdict::Equivalent { .. })).then(|| verdict.message()),
                speedup: None,
                timing: None,
                verify_s: t0.elapsed().as_secs_f64(),
                bench_s: 0.0,
            };
            match verified {
                Some(v) => {
                    if fr.evidence.is_none() {
                        fr.evidence = Some(v.evidence.clone());
                    }
                    pb.set_message(format!("{} (benchmarking {})", f.id(), cand.label));
                    let t1 = Instant::now();
                    let (bv, timing, acc) = bencher.bench(f, &v, captured)?;
                    cr.bench_s = t1.elapsed().as_secs_f64();
                    cr.speedup = timing.as_ref().map(|t| t.speedup());
                    cr.timing = timing;
                    match bv {
                        BenchVerdict::Faster => cr.verdict = "accepted".into(),
                        BenchVerdict::NotFaster { reason } => {
                            cr.verdict = "not_faster".into();
                            cr.message = Some(reason);
                        }
                        BenchVerdict::Failed { reason } => {
                            cr.verdict = "bench_failed".into();
                            cr.message = Some(reason);
                        }
                        BenchVerdict::Diverged { message, counterexample } => {
                            // equivalent on the verifier's inputs, different at scale
                            let verdict = Verdict::Diverged { message, counterexample, cases: 0 };
                            cr.verdict = "diverged".into();
                            cr.message = Some(verdict.message());
                        }
                    }
                    if let Some(a) = acc {
                        accepted.push(a);
                    }
                }
                None => {
                    // the proposer may repair its own rejected candidate, up to 2 rounds
                    if round < 2 && !matches!(verdict, Verdict::TimedOut { .. }) {
                        pb.set_message(format!("{} (repairing {})", f.id(), cand.label));
                        if let Ok(Some(fixed)) = proposers[pi].repair(&ctx, &cand, &verdict.message()) {
                            queue.push((fixed, round + 1));
                        }
                    }
                }
            }
            fr.candidates.push(cr);
        }
    }
    if proposed == 0 {
        fr.status = Status::Skipped;
        fr.reason = format!("no rule or model proposed a rewrite{}", if misses.is_empty() { String::new() } else { format!(" ({})", misses.join("; ")) });
        return Ok((fr, None));
    }
    // A rerun of the same HEAD keeps the rewrite an earlier run committed while it is still
    // accepted: which of two accepted rewrites times faster can flip with benchmark noise, and
    // a new branch for the other one would only be churn.
    let committed = if dry_run { Vec::new() } else { snap.committed_on_branches(&f.path, &git::branch_name(f)) };
    let kept = accepted.iter().position(|a| committed.iter().any(|c| c == a.verified.module_text.as_bytes()));
    let best = match kept {
        Some(i) => Some(accepted.swap_remove(i)),
        None => accepted.into_iter().max_by(|a, b| a.timing.speedup().partial_cmp(&b.timing.speedup()).unwrap_or(std::cmp::Ordering::Equal)),
    };
    let Some(best) = best else {
        fr.status = Status::Rejected;
        fr.reason = summarize_rejection(&fr.candidates);
        return Ok((fr, None));
    };
    fr.status = Status::Accepted;
    fr.speedup = Some(best.timing.speedup());
    fr.origin = Some(best.verified.candidate.origin.to_string());
    fr.strategy = Some(best.verified.candidate.strategy.as_str().to_string());
    fr.evidence = Some(best.verified.evidence.clone());
    fr.reason = format!("{:.1}x, equivalent on {} inputs", best.timing.speedup(), best.verified.evidence.cases);
    if !dry_run {
        let replay = verify::Replay::new(f, &snap.head.to_string(), &best.verified.candidate, &verifier.settings, &best.verified.evidence, serde_json::to_value(&best.timing).ok(), captured);
        let note = serde_json::to_string_pretty(&replay)?;
        let (branch, _) = git::commit(snap, f, &best, src, Some(&note)).with_context(|| format!("committing the rewrite of {}", f.id()))?;
        fr.branch = Some(branch);
    }
    Ok((fr, Some(best)))
}

/// "equivalent on 64 inputs (captured 2 calls: list[7] of list[3]), 92% line coverage"
fn evidence_words(fr: &FunctionReport) -> String {
    let Some(e) = &fr.evidence else { return String::new() };
    let captured = if fr.captured_calls > 0 {
        format!(" (captured {} calls{})", fr.captured_calls, e.captured_shapes.first().map(|s| format!(": {s}")).unwrap_or_default())
    } else {
        " (no calls captured)".to_string()
    };
    format!("equivalent on {} inputs{captured}, {:.0}% line coverage", e.cases, 100.0 * e.coverage)
}

fn summarize_rejection(c: &[CandidateReport]) -> String {
    let parts: Vec<String> = c
        .iter()
        .map(|c| format!("{} {}: {}", c.origin, c.verdict, c.message.as_deref().unwrap_or("").lines().next().unwrap_or("")))
        .collect();
    format!("no candidate was both equivalent and faster: {}", parts.join("; "))
}

fn build_filter(globs: &[String]) -> Result<Option<GlobSet>> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(Glob::new(g).with_context(|| format!("invalid --function glob {g:?}"))?);
    }
    Ok(Some(b.build()?))
}

fn matches(filter: &Option<GlobSet>, f: &Function) -> bool {
    match filter {
        None => true,
        Some(g) => g.is_match(&f.qualname) || g.is_match(f.id()) || g.is_match(format!("{}::{}", f.path, f.qualname)),
    }
}

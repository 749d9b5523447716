//! `aiaccel rewrite PATH`: the whole pipeline over a repository's HEAD: filter the discovered
//! functions, `pipeline::process` each, journal it, publish the accepted ones as branches, print.
//! Never touches the worktree, the index or HEAD; branches only. The policy is in `pipeline`.

use crate::cli::RewriteConfig;
use crate::discover::{self, Function, FunctionKind};
use crate::git::Snapshot;
use crate::journal::{self, Journal};
use crate::pipeline::{self, BarReporter, FunctionOutcome, Proposers, Session};
use crate::printer::Printer;
use crate::propose::rules::RuleEngine;
use crate::report::{FunctionReport, Report, Status};
use anyhow::Result;
use globset::GlobSet;
use std::time::{Duration, Instant};

pub fn run(cfg: RewriteConfig, printer: &Printer) -> Result<i32> {
    let started = Instant::now();
    let snap = Snapshot::open(&cfg.session.repo)?;
    printer.step(format!("aiaccel: reading HEAD {} of {}", snap.head_short, snap.root.display()));
    let found = discover::discover(&snap);
    for w in &found.warnings {
        printer.warn(w);
    }
    let filter = &cfg.filter;
    let mut functions: Vec<Function> = found.functions.into_iter().filter(|f| matches(filter, f)).collect();
    if let Some(n) = cfg.max_functions {
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
        return finish(&cfg, printer, &report);
    }
    let mut session = Session::start(snap, &cfg.session, printer)?;
    session.branches = !cfg.dry_run;
    let interp = &session.interp;
    report.summary.python = format!("{} ({})", interp.path.display(), interp.version);
    report.summary.numpy = interp.numpy.clone().unwrap_or_default();
    report.summary.numba = interp.numba.clone().unwrap_or_default();

    // real inputs from the repo's own tests
    if cfg.session.capture {
        let targets: Vec<&Function> = functions.iter().filter(|f| !matches!(f.kind, FunctionKind::Method)).collect();
        let pb = printer.spinner("capturing calls from the repo's tests");
        let c = session.capture(&targets, Duration::from_secs(300))?;
        pb.finish_and_clear();
        let total: usize = c.counts.values().sum();
        printer.step(format!("capture: {}; {} calls recorded", c.note, total));
    }
    report.summary.capture = session.captured.as_ref().map(|c| c.note.clone()).unwrap_or_else(|| "disabled (--no-capture)".into());

    let mut proposers = Proposers::new(vec![Box::new(RuleEngine::new())], cfg.llm.llm_functions);
    if !cfg.llm.no_llm {
        match pipeline::model_proposer(&cfg.llm, printer) {
            Ok(Some(p)) => proposers.push(p),
            Ok(None) => {}
            Err(e) => {
                let msg = format!("the local model is not available, continuing with rules only: {e:#}");
                printer.warn(&msg);
                report.summary.warnings.push(msg);
            }
        }
    }
    for w in std::mem::take(&mut session.warnings) {
        printer.warn(&w);
        report.summary.warnings.push(w);
    }
    let ids: Vec<String> = functions.iter().map(|f| f.id()).collect();
    let root = session.snap.root.canonicalize().unwrap_or_else(|_| session.snap.root.clone());
    let key = journal::run_key(&cfg, &root.display().to_string(), &session.snap.head.to_string(), &ids);
    let mut journal = Journal::open(&crate::paths::cache_dir(), &key, cfg.resume);
    if let Some(w) = journal.warning.clone() {
        printer.warn(&w);
        report.summary.warnings.push(w);
    }
    if cfg.resume {
        printer.step(format!("resuming: {} of {} functions already done ({})", journal.done.len().min(functions.len()), functions.len(), journal.path().display()));
    }
    let pb = printer.bar(functions.len() as u64, "rewrite");
    let progress = BarReporter { bar: &pb, printer };
    for f in &functions {
        if let Some(fr) = journal.done.get(&journal::entry_id(&f.path, &f.qualname)) {
            let status = serde_json::to_value(fr.status).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
            printer.line(&pb, format!("  resumed  {}: {status} in the earlier run{}", f.id(), fr.branch.as_ref().map(|b| format!(" -> {b}")).unwrap_or_default()));
            report.functions.push(fr.clone());
            pb.inc(1);
            continue;
        }
        pb.set_message(f.id());
        let outcome = pipeline::process(&mut session, &mut proposers, f, &progress)?;
        let (_, captured_calls) = session.captured_for(f);
        let mut fr = outcome.report(f, captured_calls);
        if let FunctionOutcome::Accepted { best, .. } = &outcome {
            if !cfg.dry_run {
                fr.branch = Some(session.publish(f, best)?);
            }
        }
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
    report.summary.proposers = proposers.stats();
    report.finish();
    finish(&cfg, printer, &report)
}

fn finish(cfg: &RewriteConfig, printer: &Printer, report: &Report) -> Result<i32> {
    if cfg.json {
        println!("{}", serde_json::to_string_pretty(report)?);
    }
    printer.step(format!("\n{}", report.human()));
    Ok(0)
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

fn matches(filter: &Option<GlobSet>, f: &Function) -> bool {
    match filter {
        None => true,
        Some(g) => g.is_match(&f.qualname) || g.is_match(f.id()) || g.is_match(format!("{}::{}", f.path, f.qualname)),
    }
}

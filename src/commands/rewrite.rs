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
use anyhow::{Context, Result};
use globset::GlobSet;
use std::time::{Duration, Instant};

pub fn run(mut cfg: RewriteConfig, printer: &Printer) -> Result<i32> {
    let started = Instant::now();
    let snap = Snapshot::open(&cfg.session.repo)?;
    printer.step(format!("aiaccel: reading HEAD {} of {}", snap.head_short, snap.root.display()));
    // `[tool.aiaccel]` of HEAD, under the flags
    let project = crate::config::ProjectConfig::load(&snap)?;
    let selection = project.selection()?;
    if !cfg.min_speedup_given {
        if let Some(m) = project.min_speedup {
            cfg.session.min_speedup = m;
        }
    }
    if cfg.session.python.is_none() && std::env::var_os("AIACCEL_PYTHON").is_none_or(|v| v.is_empty()) {
        cfg.session.python = project.python.as_ref().map(|p| snap.root.join(p));
    }
    if cfg.llm.model.is_none() {
        cfg.llm.model = project.model.clone();
    }
    if project.capture == Some(false) {
        cfg.session.capture = false;
    }
    let found = discover::discover(&snap);
    for w in &found.warnings {
        printer.warn(w);
    }
    let filter = &cfg.filter;
    let changed = match &cfg.changed_since {
        Some(r) => {
            let c = changed_functions(&snap, r)?;
            printer.step(format!("--changed-since {r}: {} function(s) changed or new since then", c.len()));
            Some(c)
        }
        None => None,
    };
    // the same selection for the functions tried and the ones skipped, so that the shards'
    // reports add up to the unsharded run's, with no function in two
    let selected = |path: &str, qualname: &str| -> bool {
        changed.as_ref().is_none_or(|c| c.contains(&(path.to_string(), qualname.to_string()))) && cfg.shard.is_none_or(|(i, n)| shard_of(path, qualname, n) == i)
    };
    let mut functions: Vec<Function> = found.functions.into_iter().filter(|f| matches(filter, f) && selected(&f.path, &f.qualname) && selection.selects(&f.path, &f.module, &f.qualname)).collect();
    if let Some(n) = cfg.max_functions {
        functions.truncate(n);
    }
    let mut report = Report::default();
    report.summary.head = snap.head.to_string();
    report.summary.shard = cfg.shard;
    report.summary.files_scanned = found.files_scanned;
    report.summary.warnings = found.warnings.clone();
    let skipped_here = |s: &&discover::Skipped| filter.as_ref().map(|g| g.is_match(&s.qualname) || g.is_match(format!("{}::{}", s.path, s.qualname))).unwrap_or(true) && selected(&s.path, &s.qualname) && selection.selects(&s.path, &discover::module_name(&s.path), &s.qualname);
    for s in found.skipped.iter().filter(skipped_here) {
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
            model_not_asked: None,
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
    let mut session = Session::start_with(snap, &cfg.session, &project, printer)?;
    session.branches = !cfg.dry_run;
    if !cfg.strategies.is_empty() {
        session.strategies = Some(cfg.strategies.clone());
    }
    let interp = &session.interp;
    report.summary.python = format!("{} ({})", interp.path.display(), interp.version);
    report.summary.numpy = interp.numpy.clone().unwrap_or_default();
    report.summary.numba = interp.numba.clone().unwrap_or_default();

    // real inputs from the repo's own tests
    if cfg.session.capture {
        let targets: Vec<&Function> = functions.iter().filter(|f| f.kind != FunctionKind::Method || !f.self_attrs.is_empty()).collect();
        let pb = printer.spinner("capturing calls from the repo's tests");
        let c = session.capture(&targets, Duration::from_secs(300))?;
        pb.finish_and_clear();
        let total: usize = c.counts.values().sum();
        printer.step(format!("capture: {}; {} calls recorded", c.note, total));
    }
    report.summary.capture = session.captured.as_ref().map(|c| c.note.clone()).unwrap_or_else(|| "disabled (--no-capture)".into());

    let mut proposers = Proposers::new(vec![Box::new(RuleEngine::new())], cfg.llm.llm_functions).with_fallback_time(cfg.llm.llm_budget);
    if !cfg.llm.no_llm {
        match pipeline::model_proposer(&cfg.llm, session.interp.gpu_device().is_ok(), printer) {
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
    let loop_started = Instant::now();
    let total = functions.len();
    for (k, f) in functions.iter().enumerate() {
        // where no bar is drawn (CI logs, a pipe), each line says how far the run is
        let eta = |done: usize| -> String {
            if printer.is_interactive() || done == 0 {
                return String::new();
            }
            let left = loop_started.elapsed().as_secs_f64() / done as f64 * (total - done) as f64;
            format!("  [{done}/{total}{}]", if done < total { format!(", about {} left", fmt_eta(left)) } else { String::new() })
        };
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
        printer.line(&pb, format!("{line}{}", eta(k + 1)));
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
    if let Some(path) = &cfg.html {
        std::fs::write(path, crate::report_html::render(report)).with_context(|| format!("writing {}", path.display()))?;
        printer.step(format!("wrote the HTML report to {}", path.display()));
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

/// `75` -> `1m15s`.
fn fmt_eta(secs: f64) -> String {
    let s = secs.round() as u64;
    if s >= 3600 {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// Which shard (1..=n) a function is in: a hash of its path and name, the same on every machine
/// and for every run, whatever else the repo holds.
pub fn shard_of(path: &str, qualname: &str, n: u64) -> u64 {
    use sha2::Digest;
    let h = sha2::Sha256::digest(format!("{path}::{qualname}").as_bytes());
    u64::from_be_bytes(h[..8].try_into().expect("8 bytes")) % n + 1
}

/// The (path, qualname) of every function of HEAD whose text differs at `rev` or is not there.
fn changed_functions(snap: &Snapshot, rev: &str) -> Result<std::collections::BTreeSet<(String, String)>> {
    let repo = &snap.repo;
    let base = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| anyhow::anyhow!("--changed-since {rev}: not a commit here ({})\nhint: fetch it first (`git fetch origin main`), or name a branch, tag or commit", e.message()))?;
    let head = repo.find_commit(snap.head)?;
    let mut diff = repo.diff_tree_to_tree(Some(&base.tree()?), Some(&head.tree()?), None)?;
    // a moved file's functions are compared with what they were at the old path
    diff.find_similar(None)?;
    let mut out = std::collections::BTreeSet::new();
    for d in diff.deltas() {
        let Some(path) = d.new_file().path().and_then(|p| p.to_str()) else { continue };
        if !path.ends_with(".py") || d.new_file().id().is_zero() {
            continue;
        }
        let text = |id: git2::Oid| -> String { if id.is_zero() { String::new() } else { repo.find_blob(id).map(|b| String::from_utf8_lossy(b.content()).into_owned()).unwrap_or_default() } };
        let before = discover::function_texts(path, &text(d.old_file().id()));
        for (q, src) in discover::function_texts(path, &text(d.new_file().id())) {
            if before.get(&q) != Some(&src) {
                out.insert((path.to_string(), q));
            }
        }
    }
    Ok(out)
}

/// `aiaccel report RUN.json [--html FILE]`: the text form on stdout, or the page.
pub fn report(file: &std::path::Path, html: Option<&std::path::Path>, printer: &Printer) -> Result<i32> {
    const MAKE_ONE: &str = "hint: make one with `aiaccel rewrite --json > run.json`";
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}\n{MAKE_ONE}", file.display()))?;
    let r: Report = serde_json::from_str(&text).with_context(|| format!("{} is not an `aiaccel rewrite --json` report\n{MAKE_ONE}", file.display()))?;
    match html {
        Some(path) => {
            std::fs::write(path, crate::report_html::render(&r)).with_context(|| format!("writing {}", path.display()))?;
            printer.step(format!("wrote {} ({} functions, {} plots)", path.display(), r.functions.len(), r.summary.accepted));
        }
        None => print!("{}", r.human()),
    }
    Ok(0)
}

/// `aiaccel merge-reports A.json B.json ...`: the shards' reports as one (stdout), refusing
/// reports of different commits or shards that overlap.
pub fn merge_reports(files: &[std::path::PathBuf], printer: &Printer) -> Result<i32> {
    let mut merged = Report::default();
    let mut seen = std::collections::BTreeMap::new();
    let mut shards = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).with_context(|| format!("reading {}\nhint: pass the reports that `aiaccel rewrite --shard I/N --json` wrote", file.display()))?;
        let r: Report = serde_json::from_str(&text).with_context(|| format!("{} is not an `aiaccel rewrite --json` report", file.display()))?;
        shards.push(r.summary.shard);
        if merged.summary.head.is_empty() {
            merged.summary = r.summary.clone();
        } else if r.summary.head != merged.summary.head {
            anyhow::bail!(
                "{} is a report of commit {}, the others of {}\nhint: merge the shards of one run (one commit) only",
                file.display(),
                r.summary.head,
                merged.summary.head
            );
        } else {
            merged.summary.seconds = merged.summary.seconds.max(r.summary.seconds);
            merged.summary.files_scanned = merged.summary.files_scanned.max(r.summary.files_scanned);
            for w in r.summary.warnings {
                if !merged.summary.warnings.contains(&w) {
                    merged.summary.warnings.push(w);
                }
            }
        }
        for f in r.functions {
            let id = format!("{}::{}", f.path, f.function);
            if let Some(other) = seen.insert(id.clone(), file.display().to_string()) {
                anyhow::bail!("{id} is in both {other} and {}: these are not shards of one run\nhint: each shard is `rewrite --shard I/N` with the same N", file.display());
            }
            merged.functions.push(f);
        }
    }
    // shards of one run: every I of the one N, each once
    if shards.iter().any(|s| s.is_some()) {
        let ns: std::collections::BTreeSet<u64> = shards.iter().map(|s| s.map(|(_, n)| n).unwrap_or(0)).collect();
        if ns.len() != 1 || ns.contains(&0) {
            anyhow::bail!("the reports are not the shards of one split (shard counts {:?}; a report without --shard among them)\nhint: merge the reports of `--shard 1/N` ... `--shard N/N` with one N", ns);
        }
        let n = *ns.iter().next().expect("one N");
        let have: std::collections::BTreeSet<u64> = shards.iter().filter_map(|s| s.map(|(i, _)| i)).collect();
        let missing: Vec<String> = (1..=n).filter(|i| !have.contains(i)).map(|i| format!("{i}/{n}")).collect();
        if !missing.is_empty() {
            anyhow::bail!("shard(s) {} missing: the merged report would leave their functions out\nhint: pass every shard's report", missing.join(", "));
        }
        merged.summary.shard = None;
    }
    merged.functions.sort_by(|a, b| (&a.path, &a.function).cmp(&(&b.path, &b.function)));
    merged.finish();
    println!("{}", serde_json::to_string_pretty(&merged)?);
    printer.step(format!("merged {} reports\n{}", files.len(), merged.human()));
    Ok(0)
}

fn matches(filter: &Option<GlobSet>, f: &Function) -> bool {
    match filter {
        None => true,
        Some(g) => g.is_match(&f.qualname) || g.is_match(f.id()) || g.is_match(format!("{}::{}", f.path, f.qualname)),
    }
}

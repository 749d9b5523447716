//! `aiaccel eval`: the rewrite pipeline over the benchmark corpus (eval/corpus), scored by each
//! function's own oracle, in several configurations side by side.
//!
//! The corpus's `src/` becomes a temp git repo that the pipeline treats like any user repo
//! (capture from its tests, discovery, propose, verify, benchmark; no branches are made). Each
//! accepted rewrite is then timed end to end at the spec's sizes and checked by the spec's
//! oracle, which the verifier never sees. A wrong rewrite that got accepted is counted, never
//! hidden. This module must never write into the corpus itself.

pub mod render;

use crate::bench::Accepted;
use crate::cli::EvalConfig;
use crate::discover::Function;
use crate::git::Snapshot;
use crate::pipeline::{self, BarReporter, FunctionOutcome, Proposers, Session};
use crate::printer::Printer;
use crate::propose::rules::RuleEngine;
use crate::propose::{Candidate, Origin, ProposeContext, Proposer, Strategy};
use crate::protocol::{EvalRequest, NjitRefRequest, Request};
use crate::python::ScriptOutcome;
use crate::report::{FunctionReport, Status};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One function of the corpus, as its spec describes it.
#[derive(Debug, Clone)]
pub struct SpecInfo {
    pub name: String,
    pub function: String,
    pub group: String,
    pub spec_path: PathBuf,
    /// `<name>.py`, relative to the corpus's `src/` (the temp repo's root).
    pub module_path: String,
}

pub const CONFIGS: &[&str] = &["naive-njit", "rules", "llm", "full"];

/// What one configuration did with one function.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FnResult {
    pub name: String,
    pub function: String,
    pub group: String,
    pub config: String,
    pub status: String,
    pub reason: String,
    pub strategy: Option<String>,
    pub origin: Option<String>,
    /// The pipeline's own benchmark (the speedup it accepted on).
    pub pipeline_speedup: Option<f64>,
    /// End-to-end timings at the spec's sizes, accepted rewrites only.
    pub sizes: Vec<SizeResult>,
    pub compile_s: Option<f64>,
    /// The spec's oracle on the accepted rewrite (None: nothing accepted).
    pub oracle_ok: Option<bool>,
    pub oracle_message: String,
    /// Verified >= 1.2x end to end at the reference size, and not a negative control.
    pub accelerated: bool,
    pub candidates: usize,
    pub candidates_equivalent: usize,
    pub llm_candidates: usize,
    pub llm_equivalent: usize,
    pub verify_s: f64,
    pub bench_s: f64,
    pub wall_s: f64,
    pub captured_calls: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SizeResult {
    pub size: String,
    pub n: serde_json::Value,
    pub orig_s: Option<f64>,
    pub cand_s: Option<f64>,
    pub speedup: Option<f64>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ConfigSummary {
    pub config: String,
    pub functions: usize,
    pub accelerated: usize,
    pub accelerated_fraction: f64,
    pub geomean_speedup: Option<f64>,
    pub wrong_accepted: usize,
    pub negatives: usize,
    pub negatives_accepted: usize,
    pub mean_wall_s: f64,
    pub llm_candidates: usize,
    pub llm_equivalent: usize,
    pub llm_pass_rate: Option<f64>,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct EvalReport {
    pub date: String,
    pub machine: String,
    pub python: String,
    pub numpy: String,
    pub numba: String,
    pub corpus: String,
    pub sizes: Vec<String>,
    pub reference_size: String,
    pub configs: Vec<String>,
    pub model: Option<String>,
    pub llm_functions: usize,
    pub summaries: Vec<ConfigSummary>,
    pub results: Vec<FnResult>,
    /// Per function: `numba.njit` on the unchanged loops over arrays, kernel only (no
    /// conversion timed), at the reference size: how far each rewrite is from it.
    #[serde(default)]
    pub njit_reference: Vec<NjitReference>,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NjitReference {
    pub name: String,
    /// Original time / compiled time, medians (None: it did not compile or run).
    pub speedup: Option<f64>,
    /// Why there is no figure, or that its results differ from the original's.
    pub note: String,
}

/// Read `specs/*.py`: FUNCTION and GROUP are plain string assignments.
pub fn load_corpus(dir: &Path) -> Result<Vec<SpecInfo>> {
    let specs = dir.join("specs");
    let src = dir.join("src");
    if !specs.is_dir() || !src.is_dir() {
        bail!("{} is not an eval corpus (it needs specs/ and src/)\nhint: run `aiaccel eval eval/corpus` from the aiaccel checkout", dir.display());
    }
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&specs)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let Some(stem) = p.file_stem().and_then(|s| s.to_str()) else { continue };
        if p.extension().and_then(|e| e.to_str()) != Some("py") || stem.starts_with('_') {
            continue;
        }
        let text = std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
        let grab = |key: &str| -> Option<String> {
            text.lines().find_map(|l| {
                let rest = l.strip_prefix(key)?.trim_start().strip_prefix('=')?.trim();
                Some(rest.trim_matches(|c| c == '"' || c == '\'').to_string())
            })
        };
        let (Some(function), Some(group)) = (grab("FUNCTION"), grab("GROUP")) else {
            bail!("{}: a spec needs FUNCTION = \"...\" and GROUP = \"...\"", p.display());
        };
        let module_path = format!("{stem}.py");
        if !src.join(&module_path).exists() {
            bail!("{}: no src/{module_path} for it", p.display());
        }
        out.push(SpecInfo { name: stem.to_string(), function, group, spec_path: p.canonicalize()?, module_path });
    }
    if out.is_empty() {
        bail!("no specs in {}", specs.display());
    }
    Ok(out)
}

/// The corpus's src/ as a fresh git repo with one commit, in a temp dir.
fn corpus_repo(src: &Path) -> Result<(tempfile::TempDir, PathBuf)> {
    let dir = tempfile::Builder::new().prefix("aiaccel-eval-").tempdir()?;
    let root = dir.path().join("corpus");
    copy_tree(src, &root)?;
    let repo = git2::Repository::init(&root)?;
    let mut index = repo.index()?;
    index.add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None)?;
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    let sig = git2::Signature::now("aiaccel eval", "eval@localhost")?;
    repo.commit(Some("HEAD"), &sig, &sig, "corpus", &tree, &[])?;
    Ok((dir, root))
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let name = e.file_name();
        if name == "__pycache__" || name == ".pytest_cache" {
            continue;
        }
        let ty = e.file_type()?;
        if ty.is_dir() {
            copy_tree(&e.path(), &to.join(&name))?;
        } else if ty.is_file() {
            std::fs::copy(e.path(), to.join(&name))?;
        }
    }
    Ok(())
}

/// The baseline a user could try by hand: the original, decorated with `numba.njit`.
struct NaiveNjit;

impl Proposer for NaiveNjit {
    fn name(&self) -> String {
        "naive-njit".into()
    }
    fn propose(&mut self, ctx: &ProposeContext<'_>) -> Result<Vec<Candidate>> {
        let f = ctx.function;
        let body: String = f.source.lines().map(|l| l.strip_prefix(f.indent.as_str()).unwrap_or(l)).collect::<Vec<_>>().join("\n");
        Ok(vec![Candidate {
            origin: Origin::Rule { code: "BASE".into(), name: "naive-njit".into() },
            strategy: Strategy::Numba,
            label: "naive-njit".into(),
            source: format!("import numba\n\n\n@numba.njit\n{body}\n"),
            assumes: "baseline: the original under numba.njit, no adapter".into(),
        }])
    }
}

pub fn run(opts: &EvalConfig, printer: &Printer) -> Result<EvalReport> {
    let started = Instant::now();
    let mut specs = load_corpus(&opts.corpus)?;
    if !opts.only.is_empty() {
        specs.retain(|s| opts.only.iter().any(|o| s.name.contains(o.as_str()) || s.function == *o));
        if specs.is_empty() {
            bail!("--only {:?} matches no spec in {}", opts.only, opts.corpus.display());
        }
    }
    for c in &opts.configs {
        if !CONFIGS.contains(&c.as_str()) {
            bail!("unknown configuration {c:?}\nhint: choose from {}", CONFIGS.join(", "));
        }
    }
    let (_tmp, root) = corpus_repo(&opts.corpus.join("src"))?;
    let snap = Snapshot::open(&root)?;
    let found = crate::discover::discover(&snap);
    // the corpus has no [tool.aiaccel]: the default comparison rules
    let mut session = Session::start(snap, &opts.session, printer)?;
    printer.step(format!(
        "eval: {} functions ({} negative controls) x {} configurations [{}], sizes {}",
        specs.len(),
        specs.iter().filter(|s| s.group == "negative").count(),
        opts.configs.len(),
        opts.configs.join(", "),
        opts.sizes.join(",")
    ));

    // each spec's Function, or why discovery skipped it
    let mut targets: Vec<(SpecInfo, std::result::Result<Function, String>)> = Vec::new();
    for s in &specs {
        let src = session.module_source(&s.module_path).context("corpus module is not UTF-8")?;
        let t = match found.skipped.iter().find(|k| k.path == s.module_path && k.qualname == s.function) {
            Some(k) => Err(k.reason.clone()),
            None => crate::discover::function_at(&s.module_path, &src, &s.function),
        };
        targets.push((s.clone(), t));
    }
    let fns: Vec<&Function> = targets.iter().filter_map(|(_, t)| t.as_ref().ok()).collect();
    let pb = printer.spinner("capturing calls from the corpus's tests");
    let captured = session.capture(&fns, Duration::from_secs(600))?;
    pb.finish_and_clear();
    printer.step(format!("capture: {}; {} calls recorded", captured.note, captured.counts.values().sum::<usize>()));

    let reference_size = if opts.sizes.iter().any(|s| s == "medium") { "medium".to_string() } else { opts.sizes.last().cloned().unwrap_or_default() };
    let interp = &session.interp;
    let mut report = EvalReport {
        date: crate::eval::render::today(),
        machine: render::machine_description(),
        python: format!("{} ({})", interp.path.display(), interp.version),
        numpy: interp.numpy.clone().unwrap_or_default(),
        numba: interp.numba.clone().unwrap_or_default(),
        corpus: opts.corpus.display().to_string(),
        sizes: opts.sizes.clone(),
        reference_size: reference_size.clone(),
        configs: opts.configs.clone(),
        model: None,
        llm_functions: opts.llm.llm_functions,
        ..Default::default()
    };
    let total = (opts.configs.len() * targets.len()) as u64;
    let pb = printer.bar(total, "eval");
    for config in &opts.configs {
        let cfg_started = Instant::now();
        let proposers: Vec<Box<dyn Proposer>> = match config.as_str() {
            "naive-njit" => vec![Box::new(NaiveNjit)],
            "rules" => vec![Box::new(RuleEngine::new())],
            "llm" | "full" => {
                let mut v: Vec<Box<dyn Proposer>> = if config == "full" { vec![Box::new(RuleEngine::new())] } else { vec![] };
                match pipeline::model_proposer(&opts.llm, session.interp.gpu_device().is_ok(), printer) {
                    Ok(Some(p)) => {
                        report.model = Some(p.name());
                        v.push(p)
                    }
                    Ok(None) => {}
                    Err(e) => printer.warn(format!("the local model is not available for `{config}`: {e:#}")),
                }
                v
            }
            _ => unreachable!(),
        };
        // the model's budget: the first N functions (in corpus order) it is asked about
        let mut proposers = Proposers::new(proposers, opts.llm.llm_functions).with_fallback_time(opts.llm.llm_budget);
        let progress = BarReporter { bar: &pb, printer };
        for (spec, target) in &targets {
            pb.set_message(format!("{config}: {}", spec.name));
            let t0 = Instant::now();
            let mut r = FnResult {
                name: spec.name.clone(),
                function: spec.function.clone(),
                group: spec.group.clone(),
                config: config.clone(),
                status: "skipped".into(),
                reason: String::new(),
                strategy: None,
                origin: None,
                pipeline_speedup: None,
                sizes: vec![],
                compile_s: None,
                oracle_ok: None,
                oracle_message: String::new(),
                accelerated: false,
                candidates: 0,
                candidates_equivalent: 0,
                llm_candidates: 0,
                llm_equivalent: 0,
                verify_s: 0.0,
                bench_s: 0.0,
                wall_s: 0.0,
                captured_calls: 0,
            };
            match target {
                Err(reason) => r.reason = format!("discovery: {reason}"),
                Ok(f) => {
                    let (_, cap_n) = session.captured_for(f);
                    r.captured_calls = cap_n;
                    let outcome = pipeline::process(&mut session, &mut proposers, f, &progress)?;
                    fill_from_report(&mut r, &outcome.report(f, cap_n));
                    if let FunctionOutcome::Accepted { best, .. } = &outcome {
                        score(&mut r, spec, f, best, &session, opts, &reference_size)?;
                    }
                }
            }
            r.wall_s = t0.elapsed().as_secs_f64();
            let line = match r.status.as_str() {
                "accepted" => format!(
                    "  {config:10} {:22} accepted {} oracle {}{}",
                    spec.name,
                    r.sizes.iter().map(|s| format!("{}={}", s.size, s.speedup.map(|x| format!("{x:.1}x")).unwrap_or("-".into()))).collect::<Vec<_>>().join(" "),
                    if r.oracle_ok == Some(true) { "ok" } else { "FAILED" },
                    if spec.group == "negative" { "  (NEGATIVE CONTROL ACCEPTED)" } else { "" }
                ),
                other => format!("  {config:10} {:22} {other}: {}", spec.name, r.reason.lines().next().unwrap_or("").chars().take(110).collect::<String>()),
            };
            printer.line(&pb, line);
            report.results.push(r);
            pb.inc(1);
        }
        let mut s = summarize(config, &reference_size, report.results.iter().filter(|r| &r.config == config));
        s.seconds = cfg_started.elapsed().as_secs_f64();
        report.summaries.push(s);
    }
    pb.finish_and_clear();
    if !reference_size.is_empty() {
        let pb = printer.bar(targets.len() as u64, "njit reference");
        for (spec, target) in &targets {
            let Ok(f) = target else { continue };
            if spec.group == "negative" {
                pb.inc(1);
                continue;
            }
            pb.set_message(spec.name.clone());
            let r = njit_reference(spec, f, &session, &reference_size)?;
            printer.line(&pb, format!("  {:10} {:22} {}{}", "njit ref", spec.name, r.speedup.map(|x| format!("{x:.1}x")).unwrap_or("–".into()), if r.note.is_empty() { String::new() } else { format!(" ({})", r.note) }));
            report.njit_reference.push(r);
            pb.inc(1);
        }
        pb.finish_and_clear();
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The harness's reply to `eval` (src/eval/harness_eval.py::mode_eval).
#[derive(Debug, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum ScoreReply {
    Ok {
        #[serde(default)]
        oracle: Option<OracleReply>,
        #[serde(default)]
        compile_s: Option<f64>,
        #[serde(default)]
        sizes: Vec<SizeResult>,
    },
    Error {
        message: String,
    },
}

#[derive(Debug, Deserialize)]
struct OracleReply {
    ok: bool,
    message: String,
}

/// The harness's reply to `njit_ref` (src/eval/harness_eval.py::mode_njit_ref).
#[derive(Debug, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum NjitRefReply {
    Ok { speedup: Option<f64>, note: String },
    Error { message: String },
}

/// `numba.njit` on the unchanged function, on the spec's inputs already made arrays.
fn njit_reference(spec: &SpecInfo, f: &Function, session: &Session, size: &str) -> Result<NjitReference> {
    let (interp, ws) = (&session.interp, &session.ws);
    let req = Request::NjitRef(NjitRefRequest { target: ws.target(f), spec_path: spec.spec_path.clone(), size: size.to_string(), seed: 7, rounds: 3, size_budget_s: 30.0 });
    let (speedup, note) = match interp.run_harness(&req, &ws.spec(Duration::from_secs(300), false))? {
        ScriptOutcome::Reply(v) => match serde_json::from_value::<NjitRefReply>(v) {
            Ok(NjitRefReply::Ok { speedup, note }) => (speedup, note),
            Ok(NjitRefReply::Error { message }) => (None, format!("failed: {message}")),
            Err(e) => (None, format!("aiaccel could not read the reply ({e})")),
        },
        ScriptOutcome::TimedOut { .. } => (None, "ran past 300 s".into()),
        ScriptOutcome::NoReply { status, .. } => (None, format!("process died ({status})")),
    };
    Ok(NjitReference { name: spec.name.clone(), speedup, note })
}

fn fill_from_report(r: &mut FnResult, fr: &FunctionReport) {
    r.status = match fr.status {
        Status::Accepted => "accepted",
        Status::Rejected => "rejected",
        Status::Skipped => "skipped",
    }
    .into();
    r.reason = fr.reason.clone();
    r.strategy = fr.strategy.clone();
    r.origin = fr.origin.clone();
    r.pipeline_speedup = fr.speedup;
    r.candidates = fr.candidates.len();
    r.candidates_equivalent = fr.candidates.iter().filter(|c| c.verdict != "diverged" && c.verdict != "invalid" && c.verdict != "crashed" && c.verdict != "timed_out" && !c.verdict.starts_with("refused")).count();
    r.llm_candidates = fr.candidates.iter().filter(|c| c.origin.starts_with("llm:")).count();
    r.llm_equivalent = fr.candidates.iter().filter(|c| c.origin.starts_with("llm:") && matches!(c.verdict.as_str(), "accepted" | "not_faster" | "bench_failed" | "equivalent")).count();
    r.verify_s = fr.candidates.iter().map(|c| c.verify_s).sum();
    r.bench_s = fr.candidates.iter().map(|c| c.bench_s).sum();
}

/// Time the accepted rewrite at the spec's sizes and run the spec's oracle on it.
fn score(r: &mut FnResult, spec: &SpecInfo, f: &Function, a: &Accepted, session: &Session, opts: &EvalConfig, reference: &str) -> Result<()> {
    let (interp, ws) = (&session.interp, &session.ws);
    let req = Request::Eval(EvalRequest {
        target: ws.target(f),
        cand_module: a.verified().module_name().to_string(),
        spec_path: spec.spec_path.clone(),
        sizes: opts.sizes.clone(),
        seed: 7,
        rounds: 3,
        size_budget_s: 40.0,
        oracle: true,
    });
    let out = interp.run_harness(&req, &ws.spec(Duration::from_secs(600), false))?;
    let reply = match out {
        ScriptOutcome::Reply(v) => match serde_json::from_value::<ScoreReply>(v) {
            Ok(ScoreReply::Ok { oracle, compile_s, sizes }) => (oracle, compile_s, sizes),
            Ok(ScoreReply::Error { message }) => {
                r.oracle_ok = Some(false);
                r.oracle_message = format!("scoring failed: {message}");
                return Ok(());
            }
            Err(e) => {
                r.oracle_ok = Some(false);
                r.oracle_message = format!("aiaccel could not read the scoring reply ({e})");
                return Ok(());
            }
        },
        ScriptOutcome::TimedOut { .. } => {
            r.oracle_ok = Some(false);
            r.oracle_message = "scoring ran past 600 s".into();
            return Ok(());
        }
        ScriptOutcome::NoReply { status, stderr_tail } => {
            r.oracle_ok = Some(false);
            r.oracle_message = format!("scoring process died ({status}): {}", crate::python::tail(&stderr_tail, 300));
            return Ok(());
        }
    };
    let (oracle, compile_s, sizes) = reply;
    r.oracle_ok = oracle.as_ref().map(|o| o.ok);
    r.oracle_message = oracle.map(|o| o.message).unwrap_or_default();
    r.compile_s = compile_s;
    r.sizes = sizes;
    r.accelerated = spec.group != "negative" && r.oracle_ok == Some(true) && reference_speedup(r, reference).is_some_and(|x| x >= 1.2);
    Ok(())
}

pub fn reference_speedup(r: &FnResult, reference: &str) -> Option<f64> {
    r.sizes.iter().find(|s| s.size == reference).and_then(|s| s.speedup)
}

fn summarize<'a>(config: &str, reference: &str, rs: impl Iterator<Item = &'a FnResult>) -> ConfigSummary {
    let rs: Vec<&FnResult> = rs.collect();
    let positives: Vec<&&FnResult> = rs.iter().filter(|r| r.group != "negative").collect();
    let accel: Vec<f64> = positives.iter().filter(|r| r.accelerated).filter_map(|r| reference_speedup(r, reference)).collect();
    let llm_c: usize = rs.iter().map(|r| r.llm_candidates).sum();
    let llm_e: usize = rs.iter().map(|r| r.llm_equivalent).sum();
    ConfigSummary {
        config: config.to_string(),
        functions: positives.len(),
        accelerated: positives.iter().filter(|r| r.accelerated).count(),
        accelerated_fraction: if positives.is_empty() { 0.0 } else { positives.iter().filter(|r| r.accelerated).count() as f64 / positives.len() as f64 },
        geomean_speedup: (!accel.is_empty()).then(|| (accel.iter().map(|x| x.ln()).sum::<f64>() / accel.len() as f64).exp()),
        wrong_accepted: positives.iter().filter(|r| r.status == "accepted" && r.oracle_ok != Some(true)).count(),
        negatives: rs.iter().filter(|r| r.group == "negative").count(),
        negatives_accepted: rs.iter().filter(|r| r.group == "negative" && r.status == "accepted").count(),
        mean_wall_s: if rs.is_empty() { 0.0 } else { rs.iter().map(|r| r.wall_s).sum::<f64>() / rs.len() as f64 },
        llm_candidates: llm_c,
        llm_equivalent: llm_e,
        llm_pass_rate: (llm_c > 0).then(|| llm_e as f64 / llm_c as f64),
        seconds: 0.0,
    }
}

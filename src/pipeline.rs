//! The per-function pipeline as a library: a `Session` (snapshot, interpreter, workspace,
//! comparison settings, captured calls: set up once per command) and `process`, which takes one
//! `Function` through propose -> verify -> bench and returns a `FunctionOutcome`.
//!
//! This is the one place that holds the policy, for `rewrite`, `check`, `verify` and `eval`
//! alike:
//!
//! - proposers run in order; a fallback proposer (the model) runs only when no earlier one got
//!   a rewrite accepted, and only while the run's fallback budget lasts (one unit per function);
//! - a rejected candidate may be repaired by its proposer, up to `REPAIR_ROUNDS` rounds, except
//!   after a timeout (a repair would only time out again);
//! - an `Unverifiable` function (its original raises, is nondeterministic, ...) is skipped at once;
//! - of the accepted rewrites, the one an earlier run of the same HEAD already committed is
//!   kept (benchmark noise must not churn branches), else the fastest.
//!
//! It never commits: publishing a branch is the command's step (`Session::publish`), so `eval`
//! can score the same outcomes without making branches. It never touches the user's worktree.

use crate::bench::{self, Accepted, BenchOutcome, Bencher};
use crate::cli::{LlmArgs, SessionConfig};
use crate::discover::{Function, FunctionKind};
use crate::git::Snapshot;
use crate::printer::Printer;
use crate::propose::{Candidate, ProposeContext, Proposer};
use crate::python::Interpreter;
use crate::report::{CandidateReport, FunctionReport, Status};
use crate::verify::{self, Captured, Evidence, Unverifiable, Verdict, Verifier, VerifyOutcome, Workspace};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The optional package (`python::OPTIONAL`) a candidate needs at run time, if any.
pub fn needed_package(cand: &Candidate) -> Option<&'static str> {
    match cand.strategy {
        crate::propose::Strategy::Cupy => Some("cupy"),
        // Numba's np.linalg, np.dot and `@` call SciPy's BLAS/LAPACK
        crate::propose::Strategy::Numba | crate::propose::Strategy::NumbaParallel if compiles_blas_calls(&cand.source) => Some("scipy"),
        _ => None,
    }
}

/// Whether Numba compiles a BLAS/LAPACK call in `source`: `@`, `np.dot`, `np.vdot` or
/// `np.linalg` in the code of a function decorated with a Numba jit (`njit`, `jit`,
/// `vectorize`, `stencil`, ...), or anywhere in the code when no function is decorated so.
/// Docstrings, comments and the Python copy of the original (`_f_py`) do not count: a docstring
/// that says `A @ B` asks nothing of SciPy. Source that does not parse is read as text.
fn compiles_blas_calls(source: &str) -> bool {
    use crate::pyast::{self, ast, Expr, Stmt};
    let Ok(module) = pyast::parse_module(source, "<candidate>") else {
        return ["linalg.", "np.dot(", "numpy.dot(", "np.vdot(", " @ "].iter().any(|p| source.contains(p));
    };
    fn blas(e: &Expr) -> bool {
        match e {
            Expr::BinOp(b) => b.op == ast::Operator::MatMult,
            Expr::Attribute(a) => a.attr.as_str() == "linalg",
            Expr::Call(c) => pyast::dotted(&c.func).is_some_and(|d| matches!(d.rsplit('.').next(), Some("dot" | "vdot"))),
            _ => false,
        }
    }
    fn uses_blas(stmts: &[Stmt]) -> bool {
        let mut found = false;
        fn walk(stmts: &[Stmt], found: &mut bool) {
            for s in stmts {
                if let Stmt::AugAssign(a) = s {
                    *found |= a.op == ast::Operator::MatMult;
                }
                for e in pyast::stmt_exprs(s) {
                    pyast::walk_expr(e, &mut |x| *found |= blas(x));
                }
                for b in pyast::stmt_blocks(s) {
                    walk(b, found);
                }
            }
        }
        walk(stmts, &mut found);
        found
    }
    fn jitted(decorators: &[Expr]) -> bool {
        decorators.iter().any(|d| {
            let target = if let Expr::Call(c) = d { &*c.func } else { d };
            pyast::dotted(target).is_some_and(|n| {
                let last = n.rsplit('.').next().unwrap_or("");
                last.ends_with("jit") || matches!(last, "vectorize" | "guvectorize" | "stencil" | "cfunc")
            })
        })
    }
    let mut kernels = Vec::new();
    fn collect<'a>(stmts: &'a [Stmt], out: &mut Vec<&'a [Stmt]>) {
        for s in stmts {
            match s {
                Stmt::FunctionDef(f) if jitted(&f.decorator_list) => out.push(&f.body),
                _ => {
                    for b in pyast::stmt_blocks(s) {
                        collect(b, out);
                    }
                }
            }
        }
    }
    collect(&module, &mut kernels);
    if kernels.is_empty() {
        uses_blas(&module)
    } else {
        kernels.into_iter().any(uses_blas)
    }
}

/// How many times a proposer may repair its own rejected candidate.
pub const REPAIR_ROUNDS: usize = 2;

/// Everything a command sets up once and every function's processing shares.
pub struct Session {
    pub snap: Snapshot,
    pub interp: Interpreter,
    pub ws: Workspace,
    /// Comparison settings: `[tool.aiaccel]` of the snapshot over the defaults, `--timeout`.
    pub verify: verify::Settings,
    pub bench: bench::Settings,
    /// Real calls recorded from the repo's tests (`capture`), if any were captured.
    pub captured: Option<Captured>,
    /// Warnings from setting up (a malformed `[tool.aiaccel]`); the command shows them.
    pub warnings: Vec<String>,
    /// Whether accepted rewrites become branches: then a branch an earlier run committed for the
    /// same HEAD is preferred (false for dry runs and eval, which make none).
    pub branches: bool,
    /// The strategies `[tool.aiaccel] strategies` allows (None: all).
    pub strategies: Option<Vec<crate::propose::Strategy>>,
    /// What reviewers rejected (`aiaccel review reject`): not proposed again.
    pub rejections: crate::review::Rejections,
    modules: BTreeMap<String, String>,
    /// Optional packages asked for so far (`needs_package`), and whether they are there.
    optional: std::cell::RefCell<BTreeMap<&'static str, std::result::Result<(), String>>>,
}

impl Session {
    /// Open the repository at `cfg.repo` (its HEAD) and set up the session on it.
    pub fn open(cfg: &SessionConfig, printer: &Printer) -> Result<Session> {
        let snap = Snapshot::open(&cfg.repo)?;
        Session::start(snap, cfg, printer)
    }

    /// Set up a session on an already opened snapshot: the interpreter (checked for numpy and
    /// numba), a workspace with the sandbox limits (`--unsafe-no-sandbox` honoured), the
    /// project's comparison settings and the benchmark settings. Captures nothing yet.
    pub fn start(snap: Snapshot, cfg: &SessionConfig, printer: &Printer) -> Result<Session> {
        let config = crate::config::ProjectConfig::load(&snap)?;
        Session::start_with(snap, cfg, &config, printer)
    }

    /// `start` with the project's `[tool.aiaccel]` already read (`rewrite` reads it first, for
    /// the flags it sets).
    pub fn start_with(snap: Snapshot, cfg: &SessionConfig, config: &crate::config::ProjectConfig, printer: &Printer) -> Result<Session> {
        let interp = crate::python::resolve(cfg.python.as_deref(), &snap.root, printer)?;
        let mut ws = Workspace::new(&snap)?;
        ws.limits = cfg.sandbox.limits();
        ws.sandboxed = !cfg.sandbox.unsafe_no_sandbox;
        let project = verify::Settings::from_project(config);
        let mut warnings: Vec<String> = Vec::new();
        let rejections = crate::review::Rejections::load(&snap.repo).unwrap_or_else(|e| {
            warnings.push(format!("{e:#} (proposing as if nothing had been rejected)"));
            Default::default()
        });
        Ok(Session {
            verify: verify::Settings { timeout: Duration::from_secs(cfg.sandbox.timeout), ..project },
            bench: bench::Settings { min_speedup: cfg.min_speedup, accept_at_scale: cfg.accept_at_scale, ..Default::default() },
            warnings,
            rejections,
            strategies: config.strategies.clone(),
            snap,
            interp,
            ws,
            captured: None,
            branches: false,
            modules: BTreeMap::new(),
            optional: Default::default(),
        })
    }

    /// Why `cand` cannot run here, if it needs an optional package the interpreter lacks (in
    /// the managed venv it is installed instead, once per session).
    ///     out[i] = np.linalg.norm(x[i])   # in a Numba kernel: needs SciPy at run time
    pub fn missing_package(&self, cand: &Candidate) -> Option<String> {
        let package = needed_package(cand)?;
        if package == "cupy" {
            // never installed (the wheel depends on the machine's CUDA): a CuPy rewrite is
            // verified and timed only where a GPU is there to run it
            return self
                .interp
                .gpu_device()
                .err()
                .map(|why| format!("no GPU here ({why}): CuPy rewrites are verified and timed only where CuPy sees a CUDA device; the CPU rewrites stand (`aiaccel doctor` shows the GPU)"));
        }
        self.optional.borrow_mut().entry(package).or_insert_with(|| self.interp.ensure_optional(package)).clone().err()
    }

    /// Run the repo's tests once, recording calls of `targets` (kept in `self.captured`).
    pub fn capture(&mut self, targets: &[&Function], timeout: Duration) -> Result<&Captured> {
        let c = verify::capture(&self.interp, &self.ws, &self.snap, targets, timeout)?;
        Ok(self.captured.insert(c))
    }

    /// The captured-calls file of `f` and how many calls it holds.
    pub fn captured_for(&self, f: &Function) -> (Option<PathBuf>, usize) {
        match &self.captured {
            Some(c) => (c.file_for(f), c.counts.get(&verify::capture_id(f)).copied().unwrap_or(0)),
            None => (None, 0),
        }
    }

    pub fn verifier(&self) -> Verifier<'_> {
        Verifier { interp: &self.interp, ws: &self.ws, settings: self.verify.clone() }
    }

    pub fn bencher(&self) -> Bencher<'_> {
        Bencher { interp: &self.interp, ws: &self.ws, settings: self.bench.clone(), seed: self.verify.seed }
    }

    /// The text of the module at `path` in the snapshot (read once).
    pub fn module_source(&mut self, path: &str) -> Result<String> {
        if let Some(s) = self.modules.get(path) {
            return Ok(s.clone());
        }
        let s = String::from_utf8(self.snap.read(path)?).context("module is not UTF-8")?;
        self.modules.insert(path.to_string(), s.clone());
        Ok(s)
    }

    /// Commit `best` as a branch with its evidence note. Returns the branch made (or reused).
    pub fn publish(&mut self, f: &Function, best: &Accepted) -> Result<String> {
        let src = self.module_source(&f.path)?;
        let (captured, _) = self.captured_for(f);
        crate::publish::publish(&self.snap, f, best, &src, &self.verify, captured.as_deref())
    }
}

/// The proposers of a run, in order, and what is left of the fallback proposers' budget.
pub struct Proposers {
    list: Vec<Box<dyn Proposer>>,
    /// Functions a fallback proposer (the model) may still be asked about.
    fallback_budget: usize,
    /// The time the fallback proposers may take in all (generation and the verification of
    /// what they propose), where limited (`--llm-budget`).
    fallback_time: Option<Duration>,
    fallback_spent: Duration,
}

impl Proposers {
    pub fn new(list: Vec<Box<dyn Proposer>>, fallback_budget: usize) -> Proposers {
        Proposers { list, fallback_budget, fallback_time: None, fallback_spent: Duration::ZERO }
    }

    /// Limit the time the fallback proposers take in all.
    pub fn with_fallback_time(mut self, limit: Option<Duration>) -> Proposers {
        self.fallback_time = limit;
        self
    }

    pub fn push(&mut self, p: Box<dyn Proposer>) {
        self.list.push(p);
    }

    /// Per-proposer counters for the run summary (the model's tokens, tok/s, model time).
    pub fn stats(&self) -> BTreeMap<String, serde_json::Value> {
        self.list.iter().filter_map(|p| p.stats().map(|s| (p.name(), s))).collect()
    }
}

/// The model's proposer as the flags choose it: an endpoint (`--llm-url`), a local GGUF or a
/// shipped model by name (`--model`), or the default model (fetched on first use).
/// `Ok(None)`: no model to run. `gpu`: a GPU is there to verify CuPy rewrites on, so the model
/// is asked for them too.
pub fn model_proposer(llm: &LlmArgs, gpu: bool, printer: &Printer) -> Result<Option<Box<dyn Proposer>>> {
    use crate::propose::local_model;
    match &llm.llm_url {
        Some(url) => local_model::proposer_from_endpoint(url, &llm.llm_model, !llm.llm_whole_function, llm.llm_samples, gpu, printer).map(Some),
        None => local_model::proposer_from_args(llm.model.as_deref(), !llm.llm_whole_function, llm.llm_samples, gpu, printer),
    }
}

/// Where `process` says what it is doing: a progress bar's message and lines above it.
pub trait Reporter {
    /// What is happening now ("f (verifying numba-njit-adapter)").
    fn working(&self, msg: String);
    /// A line for people (a proposer's failure), printed without tearing a bar.
    fn line(&self, msg: String);
}

/// A `Reporter` on a progress bar of the printer.
pub struct BarReporter<'a> {
    pub bar: &'a indicatif::ProgressBar,
    pub printer: &'a Printer,
}

impl Reporter for BarReporter<'_> {
    fn working(&self, msg: String) {
        self.bar.set_message(msg);
    }
    fn line(&self, msg: String) {
        self.printer.line(self.bar, msg);
    }
}

/// What was tried on a function: each candidate's report, and the evidence of the first one
/// found equivalent (kept for the report even when none was faster).
#[derive(Debug, Default)]
pub struct Tried {
    pub candidates: Vec<CandidateReport>,
    pub evidence: Option<Evidence>,
    /// Why a fallback proposer (the model) was not asked (`model_triage`, or its budget).
    pub model_not_asked: Option<String>,
}

/// Why a function was not tried (or not to the end).
#[derive(Debug)]
pub enum SkipReason {
    /// A method taking `self` that uses it other than by reading attributes (`why`): the
    /// verifier has no instances to test it on.
    Method { why: String },
    /// The function itself cannot be verified (not any candidate's fault).
    Unverifiable(Unverifiable),
    /// No proposer had a rewrite; the proposers' own failures, if any.
    NothingProposed { failures: Vec<String> },
}

impl SkipReason {
    pub fn message(&self) -> String {
        match self {
            SkipReason::Method { why } => format!("a method aiaccel cannot build instances for: {why}"),
            SkipReason::Unverifiable(u) => format!("cannot be verified: {}", u.message()),
            SkipReason::NothingProposed { failures } => {
                format!("no rule or model proposed a rewrite{}", if failures.is_empty() { String::new() } else { format!(" ({})", failures.join("; ")) })
            }
        }
    }
}

/// What became of one function.
#[derive(Debug)]
pub enum FunctionOutcome {
    /// The best accepted rewrite (to be published), and everything tried.
    Accepted { best: Box<Accepted>, tried: Tried },
    /// Candidates were proposed, none both equivalent and faster.
    Rejected { tried: Tried },
    Skipped { reason: SkipReason, tried: Tried },
}

impl FunctionOutcome {
    pub fn tried(&self) -> &Tried {
        match self {
            FunctionOutcome::Accepted { tried, .. } | FunctionOutcome::Rejected { tried } | FunctionOutcome::Skipped { tried, .. } => tried,
        }
    }

    /// The report entry (`--json`'s `functions[]`), with no branch yet.
    pub fn report(&self, f: &Function, captured_calls: usize) -> FunctionReport {
        let tried = self.tried();
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
            captured_calls,
            candidates: tried.candidates.clone(),
            evidence: tried.evidence.clone(),
            model_not_asked: tried.model_not_asked.clone(),
        };
        match self {
            FunctionOutcome::Accepted { best, .. } => {
                let v = best.verified();
                fr.status = Status::Accepted;
                fr.speedup = Some(best.timing().speedup());
                fr.origin = Some(v.candidate().origin.to_string());
                fr.strategy = Some(v.candidate().strategy.as_str().to_string());
                fr.evidence = Some(v.evidence().clone());
                fr.reason = format!("{:.1}x, equivalent on {} inputs", best.timing().speedup(), v.evidence().cases);
            }
            FunctionOutcome::Rejected { tried } => fr.reason = summarize_rejection(&tried.candidates),
            FunctionOutcome::Skipped { reason, .. } => {
                fr.status = Status::Skipped;
                fr.reason = reason.message();
            }
        }
        fr
    }
}

/// Propose, verify and benchmark one function, and choose the best accepted rewrite. Commits
/// nothing. `Err` only when aiaccel itself fails (no Python, unreadable snapshot).
pub fn process(session: &mut Session, proposers: &mut Proposers, f: &Function, progress: &dyn Reporter) -> Result<FunctionOutcome> {
    let mut tried = Tried::default();
    let src = session.module_source(&f.path)?;
    if f.kind == FunctionKind::Method && f.self_attrs.is_empty() {
        let why = crate::discover::method::why_no_instances(&src, f);
        return Ok(FunctionOutcome::Skipped { reason: SkipReason::Method { why }, tried });
    }
    let (captured, _) = session.captured_for(f);
    let captured = captured.as_deref();
    let verifier = session.verifier();
    let bencher = session.bencher();
    let ctx = ProposeContext { function: f, module_source: &src, observed_inputs: None };
    let mut failures = Vec::new();
    let mut proposed = 0usize;
    let mut accepted: Vec<Box<Accepted>> = Vec::new();
    // rules' candidates whose kernel Numba could not compile, with the verifier's message
    let mut untyped_rules: Vec<(Candidate, String)> = Vec::new();
    for p in proposers.list.iter_mut() {
        let fallback_started = Instant::now();
        if p.only_as_fallback() {
            if !accepted.is_empty() {
                continue; // a rule already made it faster: the model is for what rules cannot do
            }
            let why = model_triage(&tried.candidates).or_else(|| {
                if proposers.fallback_budget == 0 {
                    Some("the model was asked about as many functions as --llm-functions allows".to_string())
                } else {
                    proposers.fallback_time.filter(|t| proposers.fallback_spent >= *t).map(|t| format!("the model's time budget (--llm-budget {}) is spent", fmt_duration(t)))
                }
            });
            if let Some(why) = why {
                tried.model_not_asked = Some(why);
                continue;
            }
            proposers.fallback_budget -= 1;
        }
        // the model starts from the rules' kernels that Numba could not compile, with its error
        let mut queue: Vec<(Candidate, usize)> = Vec::new();
        if p.only_as_fallback() {
            for (rule_cand, why) in &untyped_rules {
                progress.working(format!("{} (asking {} to make {} compile)", f.id(), p.name(), rule_cand.label));
                match p.repair(&ctx, rule_cand, why) {
                    Ok(Some(c)) => queue.push((c, 1)),
                    Ok(None) => {}
                    Err(e) => {
                        progress.line(format!("warning: {} failed on {}: {e:#}", p.name(), f.id()));
                        failures.push(format!("{} failed: {e:#}", p.name()));
                    }
                }
            }
            proposed += queue.len();
        }
        let mut asked = false;
        let mut i = 0;
        loop {
            if i >= queue.len() {
                // then its own proposals (the model's: unless a repair of its was accepted)
                if asked || (p.only_as_fallback() && !accepted.is_empty()) {
                    break;
                }
                asked = true;
                progress.working(format!("{} (proposing: {})", f.id(), p.name()));
                match p.propose(&ctx) {
                    Ok(c) => {
                        proposed += c.len();
                        queue.extend(c.into_iter().map(|c| (c, 0)));
                    }
                    Err(e) => {
                        // a proposer's own failure (model endpoint down, model file unreadable)
                        // is said out loud; the other proposers' results stand
                        progress.line(format!("warning: {} failed on {}: {e:#}", p.name(), f.id()));
                        failures.push(format!("{} failed: {e:#}", p.name()));
                        break;
                    }
                }
                continue;
            }
            let (cand, round) = queue[i].clone();
            i += 1;
            if let Some(allowed) = session.strategies.as_ref().filter(|a| !a.contains(&cand.strategy)) {
                let why = format!("strategy {} is not among the strategies asked for ({}: --strategies, or [tool.aiaccel] strategies)", cand.strategy.as_str(), allowed.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "));
                tried.candidates.push(not_run(&cand, "excluded_by_config", why));
                continue;
            }
            if let Some(why) = session.missing_package(&cand) {
                let status = if cand.strategy == crate::propose::Strategy::Cupy { "skipped_no_gpu" } else { "refused_missing_package" };
                tried.candidates.push(not_run(&cand, status, why));
                continue;
            }
            // a rewrite a reviewer rejected is not proposed again while the function is unchanged
            if let Some(r) = session.rejections.find(&f.path, &f.qualname, &f.source, &cand) {
                let reason = if r.reason.is_empty() { String::new() } else { format!(" ({})", r.reason) };
                let why = format!(
                    "rejected in review on {}{reason}; not proposed again while `{}` is unchanged (`aiaccel review forget {}::{}` undoes it)",
                    r.date(),
                    f.qualname,
                    f.path,
                    f.qualname
                );
                progress.line(format!("{}: {} {why}", f.id(), cand.label));
                tried.candidates.push(not_run(&cand, "rejected_in_review", why));
                continue;
            }
            progress.working(format!("{} (verifying {})", f.id(), cand.label));
            let t0 = Instant::now();
            let outcome = verifier.verify(f, &src, &cand, captured)?;
            let verify_s = t0.elapsed().as_secs_f64();
            let cr = |verdict: &Verdict| CandidateReport {
                origin: cand.origin.to_string(),
                label: cand.label.clone(),
                verdict: verdict.short().replace(' ', "_"),
                message: (!matches!(verdict, Verdict::Equivalent { .. })).then(|| verdict.message()),
                speedup: None,
                timing: None,
                verify_s,
                bench_s: 0.0,
            };
            match outcome {
                VerifyOutcome::Unverifiable(u) => return Ok(FunctionOutcome::Skipped { reason: SkipReason::Unverifiable(u), tried }),
                VerifyOutcome::Equivalent(v) => {
                    let mut cr = cr(v.verdict());
                    if tried.evidence.is_none() {
                        tried.evidence = Some(v.evidence().clone());
                    }
                    progress.working(format!("{} (benchmarking {})", f.id(), cand.label));
                    let t1 = Instant::now();
                    let bo = bencher.bench(f, *v, captured)?;
                    cr.bench_s = t1.elapsed().as_secs_f64();
                    cr.speedup = bo.timing().map(|t| t.speedup());
                    cr.timing = bo.timing().cloned();
                    match bo {
                        BenchOutcome::Faster(a) => {
                            cr.verdict = "accepted".into();
                            p.accepted(&ctx, &cand, a.timing().speedup());
                            accepted.push(a);
                        }
                        BenchOutcome::NotFaster { reason, .. } => {
                            cr.verdict = "not_faster".into();
                            cr.message = Some(reason);
                        }
                        BenchOutcome::Failed { reason } => {
                            cr.verdict = "bench_failed".into();
                            cr.message = Some(reason);
                        }
                        BenchOutcome::Diverged { message, counterexample } => {
                            // equivalent on the verifier's inputs, different at scale
                            cr.verdict = "diverged".into();
                            cr.message = Some(Verdict::Diverged { message, counterexample, cases: 0 }.message());
                        }
                    }
                    tried.candidates.push(cr);
                }
                VerifyOutcome::Rejected(verdict) => {
                    if !p.only_as_fallback() && matches!(verdict, Verdict::Untyped { .. }) {
                        untyped_rules.push((cand.clone(), verdict.message()));
                    }
                    // the proposer may repair its own rejected candidate
                    if round < REPAIR_ROUNDS && !matches!(verdict, Verdict::TimedOut { .. }) {
                        progress.working(format!("{} (repairing {})", f.id(), cand.label));
                        if let Ok(Some(fixed)) = p.repair(&ctx, &cand, &verdict.message()) {
                            queue.push((fixed, round + 1));
                        }
                    }
                    tried.candidates.push(cr(&verdict));
                }
            }
        }
        if p.only_as_fallback() {
            proposers.fallback_spent += fallback_started.elapsed();
        }
    }
    if proposed == 0 {
        return Ok(FunctionOutcome::Skipped { reason: SkipReason::NothingProposed { failures }, tried });
    }
    // A rerun of the same HEAD keeps the rewrite an earlier run committed while it is still
    // accepted: which of two accepted rewrites times faster can flip with benchmark noise, and
    // a new branch for the other one would only be churn.
    let committed = if session.branches { session.snap.committed_on_branches(&f.path, &crate::publish::branch_name(f)) } else { Vec::new() };
    let kept = accepted.iter().position(|a| committed.iter().any(|c| c == a.verified().module_text().as_bytes()));
    let best = match kept {
        Some(i) => Some(accepted.swap_remove(i)),
        None => accepted.into_iter().max_by(|a, b| a.timing().speedup().partial_cmp(&b.timing().speedup()).unwrap_or(std::cmp::Ordering::Equal)),
    };
    Ok(match best {
        Some(best) => FunctionOutcome::Accepted { best, tried },
        None => FunctionOutcome::Rejected { tried },
    })
}

/// Why asking the model about a function cannot pay off, from what the rules found, or None.
/// A rule's Numba kernel that was equivalent and still not faster means the list conversion at
/// the function's boundary costs about what the whole original does (the compiled loop itself
/// takes next to nothing), and a model's kernel goes through the same adapter, as a whole
/// function it converts the same lists: no rewrite with the same signature can win there.
///
/// A rule that did not fire, whose kernel did not compile (repair is what the model is for),
/// or that diverged leaves the model its chance; so does a ratio near 1.0 (0.9-1.1x), which
/// may mean that the adapter's guards sent every call to the original (a parameter planned with
/// the wrong shape), not that the kernel ran and lost.
pub fn model_triage(tried: &[CandidateReport]) -> Option<String> {
    let bound = tried.iter().find(|c| c.origin == "rule:AX001" && c.verdict == "not_faster" && c.speedup.is_some_and(|x| !(0.9..=1.1).contains(&x)))?;
    let at = bound.speedup.map(|x| format!(" at {x:.2}x")).unwrap_or_default();
    Some(format!(
        "no win possible: the rules' compiled kernel was equivalent and still not faster{at}, so converting the arguments costs about what the original takes, and a model's rewrite pays that too"
    ))
}

fn fmt_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s > 0 && s.is_multiple_of(3600) {
        format!("{}h", s / 3600)
    } else if s > 0 && s.is_multiple_of(60) {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// The report of a candidate that was not verified, and why.
fn not_run(cand: &Candidate, verdict: &str, why: String) -> CandidateReport {
    CandidateReport { origin: cand.origin.to_string(), label: cand.label.clone(), verdict: verdict.into(), message: Some(why), speedup: None, timing: None, verify_s: 0.0, bench_s: 0.0 }
}

fn summarize_rejection(c: &[CandidateReport]) -> String {
    let parts: Vec<String> = c
        .iter()
        .map(|c| format!("{} {}: {}", c.origin, c.verdict, c.message.as_deref().unwrap_or("").lines().next().unwrap_or("")))
        .collect();
    if !c.is_empty() && c.iter().all(|c| c.verdict == "rejected_in_review") {
        return format!("every rewrite proposed was rejected in review: {}", parts.join("; "));
    }
    format!("no candidate was both equivalent and faster: {}", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::{needed_package, Candidate, FunctionOutcome, Interpreter, SkipReason, Tried};
    use std::collections::BTreeMap;
    use crate::report::{CandidateReport, Status};

    fn function() -> crate::discover::Function {
        crate::discover::function_at("m.py", "def f(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return s\n", "f").unwrap()
    }

    fn candidate(verdict: &str, message: &str) -> CandidateReport {
        CandidateReport { origin: "rule:AX001".into(), label: "numba-njit-adapter".into(), verdict: verdict.into(), message: Some(message.into()), speedup: None, timing: None, verify_s: 0.0, bench_s: 0.0 }
    }

    #[test]
    fn the_model_is_not_asked_where_the_rules_kernel_ran_and_lost_to_the_conversion() {
        let with = |verdict: &str, speedup: Option<f64>| CandidateReport { speedup, ..candidate(verdict, "") };
        // the compiled kernel ran and still lost: conversion-bound, no model rewrite can win
        let why = super::model_triage(&[with("not_faster", Some(0.62))]).unwrap();
        assert!(why.contains("no win possible") && why.contains("0.62x"), "{why}");
        assert!(super::model_triage(&[with("not_faster", Some(1.15))]).is_some());
        // near 1.0x the guards may have sent every call to the original: the model may do better
        assert_eq!(super::model_triage(&[with("not_faster", Some(0.97))]), None);
        // a kernel that did not compile, diverged, or no rule at all: the model's chance
        assert_eq!(super::model_triage(&[with("crashed", None)]), None);
        assert_eq!(super::model_triage(&[with("diverged", None)]), None);
        assert_eq!(super::model_triage(&[]), None);
        // only the Numba adapter's kernel says the conversion is the bound
        let ax010 = CandidateReport { origin: "rule:AX010".into(), ..with("not_faster", Some(0.5)) };
        assert_eq!(super::model_triage(&[ax010]), None);
    }

    /// The `--json` report fields are a public interface: status and reason as before the split.
    #[test]
    fn a_kernel_calling_np_linalg_needs_scipy_and_says_how_to_install_it() {
        let cand = |strategy, source: &str| Candidate {
            origin: crate::propose::Origin::Rule { code: "AX001".into(), name: "numba-njit-adapter".into() },
            strategy,
            label: "t".into(),
            source: source.into(),
            assumes: String::new(),
        };
        assert_eq!(needed_package(&cand(crate::propose::Strategy::Numba, "d = np.linalg.norm(x[i])")), Some("scipy"));
        assert_eq!(needed_package(&cand(crate::propose::Strategy::Numba, "d = math.sqrt(s)")), None);
        assert_eq!(needed_package(&cand(crate::propose::Strategy::Numba, "A[i, j] -= A[i, :j] @ A[:j, j]")), Some("scipy"));
        assert_eq!(needed_package(&cand(crate::propose::Strategy::Vectorize, "np.linalg.norm(x, axis=1)")), None);
        assert_eq!(needed_package(&cand(crate::propose::Strategy::Cupy, "cp.asarray(x)")), Some("cupy"));
        // a docstring or a comment that says `A @ B`, and the original's Python copy, ask nothing of SciPy
        let kernel = |body: &str| format!("import numba\n@numba.njit(cache=True)\ndef _f_kernel(A, B):\n    \"\"\"C := alpha * A @ B, np.dot(A, B)\"\"\"\n    {body}\n\ndef _f_py(A, B):\n    return A @ B  # np.linalg\n");
        assert_eq!(needed_package(&cand(crate::propose::Strategy::Numba, &kernel("return A[0, 0] * B[0, 0]"))), None);
        assert_eq!(needed_package(&cand(crate::propose::Strategy::Numba, &kernel("return A @ B"))), Some("scipy"));
        assert_eq!(needed_package(&cand(crate::propose::Strategy::Numba, &kernel("C = A.copy()\n    C @= B\n    return C"))), Some("scipy"));
        assert_eq!(needed_package(&cand(crate::propose::Strategy::Numba, &kernel("return np.dot(A[0], B[0])"))), Some("scipy"));
        assert_eq!(needed_package(&cand(crate::propose::Strategy::NumbaParallel, &kernel("return np.linalg.norm(A)"))), Some("scipy"));
        let interp = Interpreter {
            path: "/opt/py/bin/python".into(),
            version: "3.11".into(),
            numpy: Some("2".into()),
            numba: Some("0.6".into()),
            pytest: None,
            optional: BTreeMap::from([("scipy".to_string(), None)]),
            source: "--python".into(),
            gpu: Default::default(),
        };
        let why = interp.ensure_optional("scipy").unwrap_err();
        assert!(why.contains("np.linalg") && why.ends_with("hint: `/opt/py/bin/python -m pip install scipy`"), "{why}");
        let with = Interpreter { optional: BTreeMap::from([("scipy".to_string(), Some("1.17".to_string()))]), ..interp };
        assert!(with.ensure_optional("scipy").is_ok());
    }

    #[test]
    fn outcomes_report_the_status_and_reason_rewrite_printed_before() {
        let f = function();
        let skipped = FunctionOutcome::Skipped { reason: SkipReason::NothingProposed { failures: vec!["llm failed: down".into()] }, tried: Tried::default() };
        let r = skipped.report(&f, 3);
        assert_eq!((r.status, r.captured_calls, r.branch), (Status::Skipped, 3, None));
        assert_eq!(r.reason, "no rule or model proposed a rewrite (llm failed: down)");
        let r = FunctionOutcome::Skipped { reason: SkipReason::Method { why: "the method assigns `self.x`".into() }, tried: Tried::default() }.report(&f, 0);
        assert_eq!(r.reason, "a method aiaccel cannot build instances for: the method assigns `self.x`");
        let tried = Tried { candidates: vec![candidate("diverged", "returned 1.0\n  input: ..."), candidate("not_faster", "1.01x")], evidence: None, model_not_asked: None };
        let r = FunctionOutcome::Rejected { tried }.report(&f, 0);
        assert_eq!(r.status, Status::Rejected);
        assert_eq!(r.candidates.len(), 2);
        assert_eq!(r.reason, "no candidate was both equivalent and faster: rule:AX001 diverged: returned 1.0; rule:AX001 not_faster: 1.01x");
    }
}

//! Differential testing: the original against one candidate, on captured and generated inputs,
//! in a temp copy of the HEAD snapshot with the candidate spliced into a sibling module.
//!
//! Compared: return value (type identity, ints exact, floats within rtol, NaN == NaN), the
//! arguments after the call, the exception type, stdout. A diverging, crashing or hanging
//! candidate is a `Verdict`, not an error. Only this module can build a `Verified`.

use crate::discover::Function;
use crate::git::Snapshot;
use crate::propose::Candidate;
use crate::protocol::{CandidateRun, CaptureRequest, CaptureTarget, CompareRules, RepoTestsRequest, Request, Target, VerifyRequest};
use crate::python::{Interpreter, Limits, RunSpec, Sandbox, ScriptOutcome};
use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How outputs are compared and how many inputs are tried.
#[derive(Debug, Clone)]
pub struct Settings {
    pub rtol: f64,
    pub atol: f64,
    pub nan_equal: bool,
    pub signed_zero: bool,
    pub max_generated: usize,
    pub max_captured: usize,
    pub seed: u64,
    pub timeout: Duration,
    /// Below this fraction of the original's lines run by the inputs, nothing is accepted.
    pub min_coverage: f64,
    /// Also compare exception messages (by default only the exception type).
    pub exception_message: bool,
    /// Allow float differences a change of summation order explains (`ReorderBound` in
    /// compare.py): set for candidates of rules that declare `reorders_sums`.
    pub reorder_bound: bool,
}

impl Settings {
    pub fn compare_rules(&self) -> CompareRules {
        CompareRules { rtol: self.rtol, atol: self.atol, nan_equal: self.nan_equal, signed_zero: self.signed_zero, exception_message: self.exception_message, reorder_bound: self.reorder_bound }
    }

    /// Defaults, overridden by the comparison keys of `[tool.aiaccel]` (`crate::config`).
    pub fn from_project(cfg: &crate::config::ProjectConfig) -> Settings {
        let d = Settings::default();
        Settings {
            rtol: cfg.rtol.unwrap_or(d.rtol),
            atol: cfg.atol.unwrap_or(d.atol),
            nan_equal: cfg.nan_equal.unwrap_or(d.nan_equal),
            signed_zero: cfg.signed_zero.unwrap_or(d.signed_zero),
            exception_message: cfg.exception_message.unwrap_or(d.exception_message),
            min_coverage: cfg.min_coverage.unwrap_or(d.min_coverage),
            max_generated: cfg.max_generated.unwrap_or(d.max_generated),
            max_captured: cfg.max_captured.unwrap_or(d.max_captured),
            seed: cfg.seed.unwrap_or(d.seed),
            ..d
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings { rtol: 1e-9, atol: 0.0, nan_equal: true, signed_zero: false, max_generated: 90, max_captured: 20, seed: 20240601, timeout: Duration::from_secs(120), min_coverage: 0.6, exception_message: false, reorder_bound: false }
    }
}

/// A temp copy of the HEAD snapshot where originals and candidates are imported from.
pub struct Workspace {
    _dir: tempfile::TempDir,
    /// The temp dir holding `repo/` (the snapshot) and `home/` (HOME and TMPDIR of every run).
    pub top: PathBuf,
    pub root: PathBuf,
    /// The sandbox limits of every run in this workspace.
    pub limits: Limits,
    /// False only for overhead measurements (`--unsafe-no-sandbox`).
    pub sandboxed: bool,
    /// What the last sandboxed run reported about itself (network namespace, refusals).
    pub sandbox_seen: std::cell::RefCell<Option<Value>>,
    pub sys_path: Vec<PathBuf>,
    counter: std::cell::Cell<usize>,
}

impl Workspace {
    pub fn new(snap: &Snapshot) -> Result<Workspace> {
        let dir = tempfile::Builder::new().prefix("aiaccel-snapshot-").tempdir().context("creating a temp dir")?;
        // canonical: the sandbox compares real paths
        let top = dir.path().canonicalize().unwrap_or_else(|_| dir.path().to_path_buf());
        let root = top.join("repo");
        std::fs::create_dir_all(&root)?;
        std::fs::create_dir_all(top.join("home"))?;
        snap.materialize(&root, 50_000_000)?;
        let mut sys_path = vec![root.clone()];
        if root.join("src").is_dir() {
            sys_path.push(root.join("src"));
        }
        std::fs::create_dir_all(root.join(".aiaccel"))?;
        Ok(Workspace { _dir: dir, top, root, limits: Limits::default(), sandboxed: true, sandbox_seen: Default::default(), sys_path, counter: std::cell::Cell::new(0) })
    }

    /// Write a spliced module next to the original; returns its importable name.
    pub fn write_candidate(&self, f: &Function, module_text: &str) -> Result<String> {
        let k = self.counter.get();
        self.counter.set(k + 1);
        let path = Path::new(&f.path);
        let dir = path.parent().map(|p| p.to_path_buf()).unwrap_or_default();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("module");
        let (file, module) = if stem == "__init__" {
            (dir.join(format!("__aiaccel_c{k}.py")), format!("{}.__aiaccel_c{k}", f.module))
        } else {
            let parent_mod = f.module.rsplit_once('.').map(|(p, _)| format!("{p}.")).unwrap_or_default();
            (dir.join(format!("{stem}__aiaccel_c{k}.py")), format!("{parent_mod}{stem}__aiaccel_c{k}"))
        };
        std::fs::write(self.root.join(&file), module_text).with_context(|| format!("writing {}", file.display()))?;
        // the runtime modules it imports, beside it, as a branch adds them
        for m in crate::runtime::imported_by(module_text) {
            let p = self.root.join(crate::runtime::beside(&f.path, &m.file_name()));
            if !p.exists() {
                std::fs::write(&p, &m.text).with_context(|| format!("writing {}", p.display()))?;
            }
        }
        Ok(module)
    }

    /// Keep the sandbox part of a harness reply, with the limits in force, for the report.
    pub fn note_sandbox(&self, reply: &Value) {
        if let Some(sb) = reply.get("sandbox") {
            let mut sb = sb.clone();
            sb["audit_hook"] = json!(true);
            sb["limits"] = json!(self.limits);
            *self.sandbox_seen.borrow_mut() = Some(sb);
        }
    }

    pub fn scratch(&self) -> PathBuf {
        self.root.join(".aiaccel")
    }

    pub fn spec(&self, timeout: Duration, boundscheck: bool) -> RunSpec {
        let mut env = vec![
            ("NUMBA_CACHE_DIR".to_string(), self.scratch().join("numba-cache").display().to_string()),
            ("PYTHONHASHSEED".to_string(), "0".to_string()),
            ("PYTHONDONTWRITEBYTECODE".to_string(), "1".to_string()),
        ];
        if boundscheck {
            // verification (not timing): bounds checked, and more threads than cores so that a
            // data race in a parallel candidate gets interleavings to show in
            env.push(("NUMBA_BOUNDSCHECK".into(), "1".into()));
            let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
            env.push(("NUMBA_NUM_THREADS".into(), cores.max(4).to_string()));
        }
        let sandbox = Sandbox { limits: self.limits, write_roots: vec![self.top.clone()], home: self.top.join("home") };
        RunSpec { cwd: self.root.clone(), timeout, env, sandbox: self.sandboxed.then_some(sandbox) }
    }

    /// The function a harness request is about, as imported in this workspace.
    pub fn target(&self, f: &Function) -> Target {
        Target::new(&self.sys_path, &self.root, f)
    }
}

/// The harness's reply to a `verify` request (src/verify/harness/verify.py::mode_verify), by
/// `status`; with `ok`, the verdict on the candidate.
#[derive(Debug, serde::Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum VerifyReply {
    Ok(Box<VerdictReply>),
    OriginalRaises { message: String },
    Nondeterministic { message: String },
    NoInputs { message: String },
    UnsafeOriginal { message: String },
    LowCoverage { message: String },
    Error {
        message: String,
        #[serde(default)]
        traceback: Option<String>,
    },
}

#[derive(Debug, serde::Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
enum VerdictReply {
    Equivalent(EquivalentReply),
    Diverged {
        message: String,
        #[serde(default)]
        counterexample: Option<Value>,
        #[serde(default)]
        cases: usize,
    },
    /// The candidate module failed to import (the verdict `Invalid`).
    Crashed { message: String },
    /// Numba could not compile the candidate's kernel for any call that reached it.
    Untyped {
        message: String,
        #[serde(default)]
        summary: String,
        calls: usize,
    },
    Refused {
        #[serde(default = "audit")]
        limit: String,
        message: String,
    },
}

fn audit() -> String {
    "audit".into()
}

/// What the verifier found on an equivalent candidate: the evidence a branch carries.
#[derive(Debug, serde::Deserialize)]
struct EquivalentReply {
    cases: usize,
    captured: usize,
    generated: usize,
    max_abs_err: f64,
    max_rel_err: f64,
    captured_shapes: Vec<String>,
    coverage: f64,
    boundary: usize,
    growth: usize,
    growth_max_n: usize,
    dropped_slow: usize,
    dropped_labels: Vec<String>,
    doctests_run: usize,
    doctests_passed: usize,
    reordered: usize,
    reorder_ratio: f64,
    phase_s: Value,
}

/// The harness's reply to `repo_tests` and `capture` (src/verify/harness/repo.py): both run
/// pytest.
#[derive(Debug, serde::Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum PytestReply {
    Ok {
        #[serde(default)]
        pytest_exit: Option<i64>,
        /// repo_tests: the tests that failed with the candidate.
        #[serde(default)]
        failed: Vec<String>,
        /// capture: calls recorded per function id.
        #[serde(default)]
        counts: std::collections::BTreeMap<String, usize>,
        #[serde(default)]
        log_tail: String,
    },
    NoPytest {
        message: String,
    },
    Error {
        message: String,
    },
}

/// A counterexample: the input, what the original did, what the candidate did.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Counterexample {
    pub case: String,
    pub input: String,
    pub expected: String,
    pub got: String,
}

/// The outcome of verifying one candidate.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Equivalent { cases: usize, captured: usize, generated: usize, max_abs_err: f64, max_rel_err: f64, seconds: f64 },
    Diverged { message: String, counterexample: Option<Counterexample>, cases: usize },
    /// Does not splice (syntax, missing function, signature changed) or does not import.
    Invalid { message: String },
    Crashed { message: String },
    /// Numba could not compile the kernel for any call that reached it: the adapter ran the
    /// original every time (equal results, no rewrite). `message`: Numba's error.
    Untyped { message: String, summary: String, calls: usize },
    TimedOut { seconds: f64 },
    /// A sandbox limit fired: `audit` (socket, process, signal, write outside the temp dir),
    /// `memory`, `cpu_time`, `file_size`, `output`.
    Refused { limit: String, message: String },
}

impl Verdict {
    pub fn short(&self) -> &'static str {
        match self {
            Verdict::Equivalent { .. } => "equivalent",
            Verdict::Diverged { .. } => "diverged",
            Verdict::Invalid { .. } => "invalid",
            Verdict::Crashed { .. } => "crashed",
            Verdict::Untyped { .. } => "untyped",
            Verdict::TimedOut { .. } => "timed out",
            Verdict::Refused { .. } => "refused by the sandbox",
        }
    }

    /// One line for people, and the feedback a model gets in a repair round.
    pub fn message(&self) -> String {
        match self {
            Verdict::Equivalent { cases, captured, .. } => format!("equivalent on {cases} inputs ({captured} captured)"),
            Verdict::Diverged { message, counterexample, .. } => match counterexample {
                Some(c) => format!("{message}\n  input: {}\n  expected: {}\n  got: {}", c.input, c.expected, c.got),
                None => message.clone(),
            },
            Verdict::Invalid { message } | Verdict::Crashed { message } => message.clone(),
            Verdict::Untyped { message, summary, calls } => format!(
                "Numba could not compile the kernel for any input (the original ran instead, on each of the {calls} calls that reached it): {summary}\nNumba's error:\n{}",
                message.trim()
            ),
            Verdict::TimedOut { seconds } => format!("did not finish within {seconds:.0} s (wall-clock limit; the process group was killed)"),
            Verdict::Refused { limit, message } => format!("sandbox limit `{limit}` fired: {message}"),
        }
    }
}

/// Why a function cannot be verified at all (not the candidate's fault).
#[derive(Debug, Clone, Serialize)]
pub enum Unverifiable {
    OriginalRaises(String),
    Nondeterministic(String),
    NoInputs(String),
    /// The original itself does what the sandbox refuses (network, processes, writes outside).
    Unsafe(String),
    /// The inputs run too little of the original for a verdict to mean much.
    LowCoverage(String),
    Error(String),
}

impl Unverifiable {
    pub fn message(&self) -> String {
        match self {
            Unverifiable::OriginalRaises(m) | Unverifiable::Nondeterministic(m) | Unverifiable::NoInputs(m) | Unverifiable::Unsafe(m) | Unverifiable::LowCoverage(m) | Unverifiable::Error(m) => m.clone(),
        }
    }
}

/// Evidence that a candidate matched the original.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Evidence {
    pub cases: usize,
    pub captured: usize,
    pub generated: usize,
    pub max_abs_err: f64,
    pub max_rel_err: f64,
    pub rtol: f64,
    pub seed: u64,
    pub captured_shapes: Vec<String>,
    /// Fraction of the original's lines the inputs ran.
    #[serde(default)]
    pub coverage: f64,
    /// Inputs at the edges of the adapters' guards (int magnitude, finiteness, element type, shape).
    #[serde(default)]
    pub boundary: usize,
    /// Inputs grown past the small generated sizes, and the largest size among them.
    #[serde(default)]
    pub growth: usize,
    #[serde(default)]
    pub growth_max_n: usize,
    /// Inputs dropped because the original itself ran past the per-input time or memory limit.
    #[serde(default)]
    pub dropped_slow: usize,
    #[serde(default)]
    pub dropped_labels: Vec<String>,
    /// Doctest examples of the module run with the candidate swapped in, and how many passed.
    #[serde(default)]
    pub doctests_run: usize,
    #[serde(default)]
    pub doctests_passed: usize,
    /// Benchmark sizes at which the rewrite's results were compared with the original's (set
    /// by the benchmark; 0 where it did not run).
    #[serde(default)]
    pub bench_checked_sizes: usize,
    /// Inputs on which the results differed by rounding a change of summation order explains
    /// (within the bound of the original on the inputs' absolute values), and the largest such
    /// difference as a fraction of the bound.
    #[serde(default)]
    pub reordered: usize,
    #[serde(default)]
    pub reorder_ratio: f64,
    /// Seconds the verification spent per phase (original, growth, candidate, doctests, races).
    #[serde(default)]
    pub phase_s: Value,
}

impl Evidence {
    /// The lines every branch's evidence carries beyond the input counts.
    pub fn checks_lines(&self) -> Vec<String> {
        let mut v = vec![
            format!("checked at the benchmark sizes: {} sizes, equal", self.bench_checked_sizes),
            format!("doctests: {} run, {} pass", self.doctests_run, self.doctests_passed),
            format!("boundary inputs (guard edges: int magnitude, finiteness, element type, shape): {}", self.boundary),
            format!("grown inputs: {} (up to n={})", self.growth, self.growth_max_n),
        ];
        if self.reordered > 0 {
            v.push(format!(
                "summed in another order: on {} inputs the results differ by rounding, at most {:.2} of the bound the original on the inputs' absolute values gives",
                self.reordered, self.reorder_ratio
            ));
        }
        if self.dropped_slow > 0 {
            v.push(format!(
                "dropped {} inputs on which the original itself ran past the per-input time or memory limit ({})",
                self.dropped_slow,
                self.dropped_labels.join(", ")
            ));
        }
        v
    }
}

/// What travels with an accepted branch as a git note (refs/notes/aiaccel): everything
/// `aiaccel verify BRANCH` needs to replay the verification, and the timings it was accepted on.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Replay {
    pub aiaccel: String,
    pub path: String,
    pub qualname: String,
    /// The commit the original was read from (the branch's parent when aiaccel made it).
    pub base: String,
    pub origin: String,
    pub strategy: String,
    pub rtol: f64,
    pub atol: f64,
    pub nan_equal: bool,
    pub signed_zero: bool,
    #[serde(default)]
    pub exception_message: bool,
    /// The rule sums in another order than the loop: rounding-sized differences were allowed.
    #[serde(default)]
    pub reorder_bound: bool,
    pub min_coverage: f64,
    pub max_generated: usize,
    pub max_captured: usize,
    pub seed: u64,
    pub evidence: Evidence,
    pub timing: Option<serde_json::Value>,
    /// The captured calls (pickle, hex), when they were under 2 MB; else only their digest.
    pub captured_hex: Option<String>,
    pub captured_sha256: Option<String>,
    /// The candidate's label ("numba-njit-adapter", "llm vectorize #2") and its *assumes*, for
    /// the review and the PR body (absent in notes of aiaccel before 0.1's review flow).
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub assumes: String,
    /// `review::candidate_digest` of the candidate text: a rejected one is not proposed again.
    #[serde(default)]
    pub candidate_sha256: Option<String>,
}

impl Replay {
    pub fn new(f: &Function, base: &str, cand: &Candidate, s: &Settings, evidence: &Evidence, timing: Option<serde_json::Value>, captured: Option<&Path>) -> Replay {
        use sha2::Digest;
        let bytes = captured.and_then(|p| std::fs::read(p).ok());
        Replay {
            aiaccel: env!("CARGO_PKG_VERSION").to_string(),
            path: f.path.clone(),
            qualname: f.qualname.clone(),
            base: base.to_string(),
            origin: cand.origin.to_string(),
            strategy: cand.strategy.as_str().to_string(),
            rtol: s.rtol,
            atol: s.atol,
            nan_equal: s.nan_equal,
            signed_zero: s.signed_zero,
            exception_message: s.exception_message,
            reorder_bound: s.reorder_bound || crate::propose::rules::reorders_sums(&cand.origin),
            min_coverage: s.min_coverage,
            max_generated: s.max_generated,
            max_captured: s.max_captured,
            seed: s.seed,
            evidence: evidence.clone(),
            timing,
            captured_sha256: bytes.as_ref().map(|b| hex::encode(sha2::Sha256::digest(b))),
            captured_hex: bytes.filter(|b| b.len() <= 2 << 20).map(hex::encode),
            label: cand.label.clone(),
            assumes: cand.assumes.clone(),
            candidate_sha256: Some(crate::review::candidate_digest(&cand.source)),
        }
    }

    pub fn settings(&self) -> Settings {
        Settings {
            rtol: self.rtol,
            atol: self.atol,
            nan_equal: self.nan_equal,
            signed_zero: self.signed_zero,
            exception_message: self.exception_message,
            reorder_bound: self.reorder_bound,
            min_coverage: self.min_coverage,
            max_generated: self.max_generated,
            max_captured: self.max_captured,
            seed: self.seed,
            ..Settings::default()
        }
    }
}

/// A candidate the verifier found equivalent. Only `verify` builds one: the fields are private
/// and there is no `Clone`, so no code outside this module can make or alter one.
#[derive(Debug)]
pub struct Verified {
    candidate: Candidate,
    module_text: String,
    module_name: String,
    evidence: Evidence,
    verdict: Verdict,
    /// The comparison rules it was verified under: the benchmark compares results by them too.
    settings: Settings,
}

impl Verified {
    /// The candidate as proposed.
    pub fn candidate(&self) -> &Candidate {
        &self.candidate
    }

    /// The whole module with the candidate spliced in: what a branch commits.
    pub fn module_text(&self) -> &str {
        &self.module_text
    }

    /// The importable name of the spliced module in the workspace.
    pub fn module_name(&self) -> &str {
        &self.module_name
    }

    pub fn evidence(&self) -> &Evidence {
        &self.evidence
    }

    /// The `Verdict::Equivalent` the verifier reached.
    pub fn verdict(&self) -> &Verdict {
        &self.verdict
    }

    /// The benchmark compared the results at this many sizes (part of the evidence).
    pub(crate) fn set_bench_checked_sizes(&mut self, n: usize) {
        self.evidence.bench_checked_sizes = n;
    }
}

/// What verifying one candidate found. `Rejected` is the candidate's fault (diverged, crashed,
/// timed out, refused); `Unverifiable` is the function's (it raises, is nondeterministic, has
/// no inputs): no candidate of it can be verified.
#[derive(Debug)]
pub enum VerifyOutcome {
    Equivalent(Box<Verified>),
    Rejected(Verdict),
    Unverifiable(Unverifiable),
}

impl Verified {
    /// The comparison rules it was verified under, as the harness takes them.
    pub fn compare_rules(&self) -> CompareRules {
        self.settings.compare_rules()
    }
}

pub struct Verifier<'a> {
    pub interp: &'a Interpreter,
    pub ws: &'a Workspace,
    pub settings: Settings,
}

impl Verifier<'_> {
    /// Verify one candidate. `Err` only when aiaccel itself fails (cannot write files, cannot
    /// start Python).
    pub fn verify(
        &self,
        f: &Function,
        module_src: &str,
        cand: &Candidate,
        captured: Option<&Path>,
    ) -> Result<VerifyOutcome> {
        let text = match crate::edit::splice(module_src, f, &cand.source) {
            Ok(t) => t,
            Err(e) => return Ok(VerifyOutcome::Rejected(Verdict::Invalid { message: e.to_string() })),
        };
        self.verify_module(f, text, cand, captured)
    }

    /// Verify a whole candidate module (the original module with the function rewritten), as
    /// `aiaccel verify BRANCH` reads it from a branch.
    pub fn verify_module(
        &self,
        f: &Function,
        text: String,
        cand: &Candidate,
        captured: Option<&Path>,
    ) -> Result<VerifyOutcome> {
        let module_name = self.ws.write_candidate(f, &text)?;
        let s = &Settings { reorder_bound: self.settings.reorder_bound || crate::propose::rules::reorders_sums(&cand.origin), ..self.settings.clone() };
        let req = Request::Verify(VerifyRequest {
            run: CandidateRun { target: self.ws.target(f), compare: s.compare_rules(), cand_module: module_name.clone(), captured_file: captured.map(Path::to_path_buf), seed: s.seed },
            max_generated: s.max_generated,
            max_captured: s.max_captured,
            min_coverage: s.min_coverage,
            case_limit_s: 3.0,
            doctest_budget_s: 30.0,
        });
        let started = Instant::now();
        let out = self.interp.run_harness(&req, &self.ws.spec(s.timeout, true))?;
        let secs = started.elapsed().as_secs_f64();
        let v = match out {
            ScriptOutcome::TimedOut { after, .. } => return Ok(VerifyOutcome::Rejected(Verdict::TimedOut { seconds: after.as_secs_f64() })),
            ScriptOutcome::NoReply { status, stderr_tail } => {
                let fired = crate::python::limit_from_status(&status, &stderr_tail);
                let message = format!("the Python process died ({status}): {}", crate::python::tail(stderr_tail.trim(), 400));
                return Ok(VerifyOutcome::Rejected(match fired {
                    Some(limit) => Verdict::Refused { limit: limit.into(), message },
                    None => Verdict::Crashed { message },
                }));
            }
            ScriptOutcome::Reply(v) => v,
        };
        self.ws.note_sandbox(&v);
        let reply = match serde_json::from_value::<VerifyReply>(v) {
            Ok(r) => r,
            Err(e) => return Ok(VerifyOutcome::Unverifiable(Unverifiable::Error(format!("aiaccel could not read the verifier's reply ({e})")))),
        };
        let done = match reply {
            VerifyReply::Ok(done) => done,
            VerifyReply::OriginalRaises { message } => return Ok(VerifyOutcome::Unverifiable(Unverifiable::OriginalRaises(message))),
            VerifyReply::Nondeterministic { message } => return Ok(VerifyOutcome::Unverifiable(Unverifiable::Nondeterministic(message))),
            VerifyReply::NoInputs { message } => return Ok(VerifyOutcome::Unverifiable(Unverifiable::NoInputs(message))),
            VerifyReply::UnsafeOriginal { message } => return Ok(VerifyOutcome::Unverifiable(Unverifiable::Unsafe(message))),
            VerifyReply::LowCoverage { message } => return Ok(VerifyOutcome::Unverifiable(Unverifiable::LowCoverage(message))),
            VerifyReply::Error { message, traceback } => {
                return Ok(VerifyOutcome::Unverifiable(Unverifiable::Error(format!("{message}{}", traceback.map(|t| format!("\n{}", crate::python::tail(&t, 800))).unwrap_or_default()))))
            }
        };
        let (verdict, facts) = match *done {
            VerdictReply::Equivalent(e) => (
                Verdict::Equivalent { cases: e.cases, captured: e.captured, generated: e.generated, max_abs_err: e.max_abs_err, max_rel_err: e.max_rel_err, seconds: secs },
                Some(e),
            ),
            VerdictReply::Diverged { message, counterexample, cases } => {
                (Verdict::Diverged { message, counterexample: counterexample.and_then(|c| serde_json::from_value(c).ok()), cases }, None)
            }
            VerdictReply::Crashed { message } => (Verdict::Invalid { message }, None),
            VerdictReply::Untyped { message, summary, calls } => (Verdict::Untyped { message, summary, calls }, None),
            VerdictReply::Refused { limit, message } => (Verdict::Refused { limit, message }, None),
        };
        // the repo's own tests that reach the function must still pass with the candidate
        let verdict = match verdict {
            Verdict::Equivalent { .. } => match self.repo_tests(f, &module_name, captured)? {
                Some(failure) => failure,
                None => verdict,
            },
            other => other,
        };
        Ok(match (&verdict, facts) {
            (Verdict::Equivalent { cases, captured, generated, max_abs_err, max_rel_err, .. }, Some(e)) => VerifyOutcome::Equivalent(Box::new(Verified {
                candidate: cand.clone(),
                module_text: text,
                module_name,
                evidence: Evidence {
                    cases: *cases,
                    captured: *captured,
                    generated: *generated,
                    max_abs_err: *max_abs_err,
                    max_rel_err: *max_rel_err,
                    rtol: s.rtol,
                    seed: s.seed,
                    captured_shapes: e.captured_shapes,
                    coverage: e.coverage,
                    boundary: e.boundary,
                    growth: e.growth,
                    growth_max_n: e.growth_max_n,
                    dropped_slow: e.dropped_slow,
                    dropped_labels: e.dropped_labels,
                    doctests_run: e.doctests_run,
                    doctests_passed: e.doctests_passed,
                    bench_checked_sizes: 0,
                    reordered: e.reordered,
                    reorder_ratio: e.reorder_ratio,
                    phase_s: e.phase_s,
                },
                verdict,
                settings: s.clone(),
            })),
            _ => VerifyOutcome::Rejected(verdict),
        })
    }
}

impl Verifier<'_> {
    /// Run the repo's tests that reached `f` at capture time (and passed with the original)
    /// with the candidate in its place. `Some(verdict)` when one of them now fails.
    fn repo_tests(&self, f: &Function, cand_module: &str, captured: Option<&Path>) -> Result<Option<Verdict>> {
        let Some(tests_file) = captured.map(|p| p.with_extension("tests.json")).filter(|p| p.exists()) else { return Ok(None) };
        let info: Value = serde_json::from_str(&std::fs::read_to_string(&tests_file)?).unwrap_or(Value::Null);
        let tests: Vec<String> = info["outcomes"]
            .as_object()
            .map(|m| m.iter().filter(|(_, o)| o.as_str() == Some("passed")).map(|(k, _)| k.clone()).collect())
            .unwrap_or_default();
        if tests.is_empty() {
            return Ok(None);
        }
        let req = Request::RepoTests(RepoTestsRequest { target: self.ws.target(f), cand_module: cand_module.to_string(), root: self.ws.root.clone(), tests: tests.clone() });
        let out = self.interp.run_harness(&req, &self.ws.spec(self.settings.timeout, true))?;
        Ok(match out {
            ScriptOutcome::Reply(v) => match serde_json::from_value::<PytestReply>(v) {
                Ok(PytestReply::Ok { failed, log_tail, .. }) => (!failed.is_empty()).then(|| Verdict::Diverged {
                    message: format!(
                        "the repo's own tests fail with the candidate: {} (of {} that reach the function and passed with the original)\n{}",
                        failed.join(", "),
                        tests.len(),
                        crate::python::tail(&log_tail, 600)
                    ),
                    counterexample: None,
                    cases: tests.len(),
                }),
                Ok(PytestReply::NoPytest { message } | PytestReply::Error { message }) => Some(Verdict::Crashed { message: format!("running the repo's tests failed: {message}") }),
                Err(e) => Some(Verdict::Crashed { message: format!("aiaccel could not read the repo-tests reply ({e})") }),
            },
            ScriptOutcome::TimedOut { after, .. } => Some(Verdict::TimedOut { seconds: after.as_secs_f64() }),
            ScriptOutcome::NoReply { status, stderr_tail } => Some(Verdict::Crashed { message: format!("the repo's tests died with the candidate ({status}): {}", crate::python::tail(&stderr_tail, 300)) }),
        })
    }
}

/// Captured calls from the repo's own tests, one pickle file per function id.
pub struct Captured {
    pub dir: PathBuf,
    pub counts: std::collections::BTreeMap<String, usize>,
    pub note: String,
}

impl Captured {
    pub fn file_for(&self, f: &Function) -> Option<PathBuf> {
        let p = self.dir.join(format!("{}.pkl", capture_id(f)));
        p.exists().then_some(p)
    }
}

pub fn capture_id(f: &Function) -> String {
    f.id().replace([':', '.', '/'], "_")
}

/// Run the repo's pytest suite once with a profile hook recording calls of `functions`.
pub fn capture(interp: &Interpreter, ws: &Workspace, snap: &Snapshot, functions: &[&Function], timeout: Duration) -> Result<Captured> {
    let dir = ws.scratch().join("captured");
    std::fs::create_dir_all(&dir)?;
    let test_paths: Vec<String> = {
        let mut dirs: Vec<String> = snap
            .files
            .iter()
            .filter(|f| {
                let name = f.path.rsplit('/').next().unwrap_or("");
                f.path.ends_with(".py") && (name.starts_with("test_") || name.ends_with("_test.py"))
            })
            .map(|f| f.path.clone())
            .collect();
        dirs.sort();
        dirs
    };
    if test_paths.is_empty() {
        return Ok(Captured { dir, counts: Default::default(), note: "no tests in the repo".into() });
    }
    if interp.pytest.is_none() {
        return Ok(Captured { dir, counts: Default::default(), note: "pytest is not installed; no calls captured".into() });
    }
    let targets = functions
        .iter()
        .map(|f| CaptureTarget {
            id: capture_id(f),
            path: f.path.clone(),
            name: f.name.clone(),
            line: f.line,
            params: f.params.iter().filter(|p| !p.variadic).map(|p| p.name.clone()).collect(),
            method: f.kind == crate::discover::FunctionKind::Method && !f.self_attrs.is_empty(),
        })
        .collect();
    let req = Request::Capture(CaptureRequest { sys_path: ws.sys_path.clone(), root: ws.root.clone(), targets, max_calls: 12, out_dir: dir.clone(), test_paths });
    let out = interp.run_harness(&req, &ws.spec(timeout, false))?;
    let mut counts = std::collections::BTreeMap::new();
    let note = match out {
        ScriptOutcome::Reply(v) => match serde_json::from_value::<PytestReply>(v) {
            Ok(PytestReply::Ok { counts: c, pytest_exit, .. }) => {
                counts = c;
                match pytest_exit {
                    Some(0) => "ran the repo's tests".to_string(),
                    code => format!("ran the repo's tests (pytest exit {}; calls before the failure kept)", code.unwrap_or(-1)),
                }
            }
            Ok(PytestReply::NoPytest { message } | PytestReply::Error { message }) => format!("capture skipped: {message}"),
            Err(e) => format!("capture failed: aiaccel could not read its reply ({e})"),
        },
        ScriptOutcome::TimedOut { after, .. } => format!("capture stopped: the tests ran past {:.0} s", after.as_secs_f64()),
        ScriptOutcome::NoReply { status, .. } => format!("capture failed: the test process died ({status})"),
    };
    Ok(Captured { dir, counts, note })
}

//! Timing: original and a verified candidate, interleaved, after warm-up, on growing sizes.
//! JIT compile time is measured separately and reported with the break-even call count.
//! One benchmark at a time: never run two concurrently (they would time each other).
//! Only this module builds an `Accepted`.

use crate::discover::Function;
use crate::protocol::{BenchRequest, CandidateRun, Request};
use crate::python::ScriptOutcome;
use crate::verify::{Verified, Workspace};
use crate::python::Interpreter;
use anyhow::Result;
use serde::Serialize;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Settings {
    /// The original should take about this long per call at the largest size.
    pub target_s: f64,
    pub rounds: usize,
    pub min_speedup: f64,
    pub max_n: u64,
    pub timeout: Duration,
    /// Accept on the largest generated size even when the rewrite is slower at the repo's own
    /// (captured) call sizes (`--accept-at-scale`).
    pub accept_at_scale: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { target_s: 0.1, rounds: 5, min_speedup: 1.2, max_n: 1 << 22, timeout: Duration::from_secs(240), accept_at_scale: false }
    }
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SizeTiming {
    pub size: String,
    pub inputs: String,
    pub orig_median_s: f64,
    pub cand_median_s: f64,
    pub speedup: f64,
    pub ratios: Vec<f64>,
    /// The repo's own call size (the largest captured call), not a generated one.
    #[serde(default)]
    pub real: bool,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Timing {
    pub sizes: Vec<SizeTiming>,
    pub compile_s: f64,
    pub import_s: f64,
    /// Calls at the largest size before the compile time is paid back (None: never).
    pub break_even_calls: Option<f64>,
    /// Sizes at which the rewrite's results were compared with the original's (all equal).
    #[serde(default)]
    pub checked_sizes: usize,
}

impl Timing {
    /// The headline speedup: at the repo's own call size where calls were captured, at the
    /// largest generated size otherwise.
    pub fn speedup(&self) -> f64 {
        self.real().map(|s| s.speedup).unwrap_or_else(|| self.at_scale())
    }

    /// At the largest generated size.
    pub fn at_scale(&self) -> f64 {
        self.scaled().last().map(|s| s.speedup).unwrap_or(0.0)
    }

    pub fn real(&self) -> Option<&SizeTiming> {
        self.sizes.iter().find(|s| s.real)
    }

    pub fn scaled(&self) -> impl Iterator<Item = &SizeTiming> + '_ {
        self.sizes.iter().filter(|s| !s.real)
    }
}

/// What benchmarking one verified candidate found. Only `Faster` carries an `Accepted`, so
/// "accepted implies faster" is kept by the compiler.
#[derive(Debug)]
pub enum BenchOutcome {
    Faster(Box<Accepted>),
    /// Timed, but below `--min-speedup` or not faster in every interleaved round.
    NotFaster { reason: String, timing: Timing },
    /// The benchmark itself did not complete (crashed, timed out, no timings).
    Failed { reason: String },
    /// At a benchmark size the rewrite's result differed from the original's: not equivalent.
    Diverged { message: String, counterexample: Option<crate::verify::Counterexample> },
}

impl BenchOutcome {
    pub fn timing(&self) -> Option<&Timing> {
        match self {
            BenchOutcome::Faster(a) => Some(&a.timing),
            BenchOutcome::NotFaster { timing, .. } => Some(timing),
            BenchOutcome::Failed { .. } | BenchOutcome::Diverged { .. } => None,
        }
    }

    /// The outcome as `check --json` prints it: `{"outcome": "faster" | "not_faster" | "failed", "reason"?}`.
    pub fn verdict(&self) -> BenchVerdict {
        match self {
            BenchOutcome::Faster(_) => BenchVerdict::Faster,
            BenchOutcome::NotFaster { reason, .. } => BenchVerdict::NotFaster { reason: reason.clone() },
            BenchOutcome::Failed { reason } => BenchVerdict::Failed { reason: reason.clone() },
            BenchOutcome::Diverged { message, counterexample } => BenchVerdict::Diverged { message: message.clone(), counterexample: counterexample.clone() },
        }
    }
}

/// The JSON shape of a `BenchOutcome`, without its timing.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum BenchVerdict {
    Faster,
    NotFaster { reason: String },
    Failed { reason: String },
    /// At a benchmark size the rewrite's result differed from the original's: not equivalent.
    Diverged { message: String, counterexample: Option<crate::verify::Counterexample> },
}

/// A verified candidate that is measurably faster. Only `bench` builds one: the fields are
/// private and there is no `Clone`.
#[derive(Debug)]
pub struct Accepted {
    verified: Verified,
    timing: Timing,
}

impl Accepted {
    pub fn verified(&self) -> &Verified {
        &self.verified
    }

    pub fn timing(&self) -> &Timing {
        &self.timing
    }
}

pub struct Bencher<'a> {
    pub interp: &'a Interpreter,
    pub ws: &'a Workspace,
    pub settings: Settings,
    pub seed: u64,
}

/// The harness's reply to a `bench` request (src/bench/harness_bench.py::mode_bench).
#[derive(Debug, serde::Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum BenchReply {
    Ok {
        sizes: Vec<SizeTiming>,
        compile_s: f64,
        import_s: f64,
        /// Sizes at which the candidate's first call was compared with the original's.
        checked_sizes: usize,
    },
    Diverged {
        message: String,
        #[serde(default)]
        counterexample: Option<Value>,
    },
    NoInputs {
        message: String,
    },
    Error {
        message: String,
    },
}

impl Bencher<'_> {
    /// Time `v` against the original. `Err` only when aiaccel itself fails (cannot start Python).
    pub fn bench(&self, f: &Function, v: Verified, captured: Option<&Path>) -> Result<BenchOutcome> {
        let s = &self.settings;
        let req = Request::Bench(BenchRequest {
            run: CandidateRun { target: self.ws.target(f), compare: v.compare_rules(), cand_module: v.module_name().to_string(), captured_file: captured.map(Path::to_path_buf), seed: self.seed },
            target_s: s.target_s,
            rounds: s.rounds,
            max_n: s.max_n,
            grow_budget_s: 20.0,
            min_sample_s: 0.02,
            give_up_below: s.min_speedup / 1.5,
        });
        let out = self.interp.run_harness(&req, &self.ws.spec(s.timeout, false))?;
        let v_json = match out {
            ScriptOutcome::Reply(x) => x,
            ScriptOutcome::TimedOut { after, .. } => {
                return Ok(BenchOutcome::Failed { reason: format!("benchmark ran past {:.0} s", after.as_secs_f64()) })
            }
            ScriptOutcome::NoReply { status, stderr_tail } => {
                return Ok(BenchOutcome::Failed { reason: format!("benchmark process died ({status}): {}", crate::python::tail(stderr_tail.trim(), 300)) })
            }
        };
        let (sizes, compile_s, import_s, checked_sizes) = match serde_json::from_value::<BenchReply>(v_json) {
            Ok(BenchReply::Ok { sizes, compile_s, import_s, checked_sizes }) => (sizes, compile_s, import_s, checked_sizes),
            Ok(BenchReply::Diverged { message, counterexample }) => {
                return Ok(BenchOutcome::Diverged { message, counterexample: counterexample.and_then(|c| serde_json::from_value(c).ok()) });
            }
            Ok(BenchReply::NoInputs { message } | BenchReply::Error { message }) => return Ok(BenchOutcome::Failed { reason: message }),
            Err(e) => return Ok(BenchOutcome::Failed { reason: format!("aiaccel could not read the benchmark's reply ({e})") }),
        };
        let last = sizes.iter().rfind(|s| !s.real).cloned();
        let break_even_calls = last.as_ref().and_then(|l| {
            let saved = l.orig_median_s - l.cand_median_s;
            (saved > 0.0).then(|| compile_s / saved)
        });
        let timing = Timing { sizes, compile_s, import_s, break_even_calls, checked_sizes };
        let Some(last) = last else {
            return Ok(BenchOutcome::Failed { reason: "no timings".into() });
        };
        let slowest_round = last.ratios.iter().cloned().fold(f64::INFINITY, f64::min);
        Ok(if last.speedup < s.min_speedup {
            BenchOutcome::NotFaster { reason: format!("{:.2}x at the largest size is below --min-speedup {:.2}", last.speedup, s.min_speedup), timing }
        } else if slowest_round < 1.0 {
            BenchOutcome::NotFaster { reason: format!("median {:.2}x but one interleaved round was slower ({:.2}x): not a consistent win", last.speedup, slowest_round), timing }
        } else if let Some(real) = timing.real().filter(|r| r.speedup < s.min_speedup && !s.accept_at_scale) {
            // a speedup the user would not see at their own call sizes is not a speedup: the
            // headline (at the real size) must meet --min-speedup as the scaled size does
            let above = timing.scaled().find(|t| t.speedup >= s.min_speedup).map(|t| t.size.clone()).unwrap_or_else(|| last.size.clone());
            let reason = format!(
                "{:.2}x at the repo's own call size ({}) is below --min-speedup {:.2}, {:.2}x at n={}: faster only above size {above} (--accept-at-scale accepts it)",
                real.speedup, real.inputs, s.min_speedup, last.speedup, last.size
            );
            BenchOutcome::NotFaster { reason, timing }
        } else {
            let mut v = v;
            v.set_bench_checked_sizes(timing.checked_sizes);
            BenchOutcome::Faster(Box::new(Accepted { verified: v, timing }))
        })
    }
}

//! Timing: original and a verified candidate, interleaved, after warm-up, on growing sizes.
//! JIT compile time is measured separately and reported with the break-even call count.
//! One benchmark at a time: never run two concurrently (they would time each other).
//! Only this module builds an `Accepted`.

use crate::discover::Function;
use crate::python::ScriptOutcome;
use crate::verify::{Verified, Workspace};
use crate::python::Interpreter;
use anyhow::Result;
use serde::Serialize;
use serde_json::json;
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
}

impl Default for Settings {
    fn default() -> Self {
        Settings { target_s: 0.1, rounds: 5, min_speedup: 1.2, max_n: 1 << 22, timeout: Duration::from_secs(240) }
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
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Timing {
    pub sizes: Vec<SizeTiming>,
    pub compile_s: f64,
    pub import_s: f64,
    /// Calls at the largest size before the compile time is paid back (None: never).
    pub break_even_calls: Option<f64>,
}

impl Timing {
    pub fn speedup(&self) -> f64 {
        self.sizes.last().map(|s| s.speedup).unwrap_or(0.0)
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
}

impl BenchOutcome {
    pub fn timing(&self) -> Option<&Timing> {
        match self {
            BenchOutcome::Faster(a) => Some(&a.timing),
            BenchOutcome::NotFaster { timing, .. } => Some(timing),
            BenchOutcome::Failed { .. } => None,
        }
    }

    /// The outcome as `check --json` prints it: `{"outcome": "faster" | "not_faster" | "failed", "reason"?}`.
    pub fn verdict(&self) -> BenchVerdict {
        match self {
            BenchOutcome::Faster(_) => BenchVerdict::Faster,
            BenchOutcome::NotFaster { reason, .. } => BenchVerdict::NotFaster { reason: reason.clone() },
            BenchOutcome::Failed { reason } => BenchVerdict::Failed { reason: reason.clone() },
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

impl Bencher<'_> {
    /// Time `v` against the original. `Err` only when aiaccel itself fails (cannot start Python).
    pub fn bench(&self, f: &Function, v: Verified, captured: Option<&Path>) -> Result<BenchOutcome> {
        let s = &self.settings;
        let mut req = self.ws.base_request("bench", f);
        let o = req.as_object_mut().unwrap();
        o.insert("cand_module".into(), json!(v.module_name()));
        o.insert("captured_file".into(), json!(captured));
        o.insert("seed".into(), json!(self.seed));
        o.insert("target_s".into(), json!(s.target_s));
        o.insert("rounds".into(), json!(s.rounds));
        o.insert("max_n".into(), json!(s.max_n));
        o.insert("grow_budget_s".into(), json!(20.0));
        o.insert("min_sample_s".into(), json!(0.02));
        o.insert("give_up_below".into(), json!(s.min_speedup / 1.5));
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
        if v_json["status"] != "ok" {
            return Ok(BenchOutcome::Failed { reason: v_json["message"].as_str().unwrap_or("benchmark failed").to_string() });
        }
        let sizes: Vec<SizeTiming> = v_json["sizes"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|x| SizeTiming {
                        size: x["size"].as_str().unwrap_or("?").to_string(),
                        inputs: x["inputs"].as_str().unwrap_or("").to_string(),
                        orig_median_s: x["orig_median_s"].as_f64().unwrap_or(0.0),
                        cand_median_s: x["cand_median_s"].as_f64().unwrap_or(0.0),
                        speedup: x["speedup"].as_f64().unwrap_or(0.0),
                        ratios: x["ratios"].as_array().map(|r| r.iter().filter_map(|y| y.as_f64()).collect()).unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let compile_s = v_json["compile_s"].as_f64().unwrap_or(0.0);
        let last = sizes.last().cloned();
        let break_even_calls = last.as_ref().and_then(|l| {
            let saved = l.orig_median_s - l.cand_median_s;
            (saved > 0.0).then(|| compile_s / saved)
        });
        let timing = Timing { sizes, compile_s, import_s: v_json["import_s"].as_f64().unwrap_or(0.0), break_even_calls };
        let Some(last) = last else {
            return Ok(BenchOutcome::Failed { reason: "no timings".into() });
        };
        let slowest_round = last.ratios.iter().cloned().fold(f64::INFINITY, f64::min);
        Ok(if last.speedup < s.min_speedup {
            BenchOutcome::NotFaster { reason: format!("{:.2}x at the largest size is below --min-speedup {:.2}", last.speedup, s.min_speedup), timing }
        } else if slowest_round < 1.0 {
            BenchOutcome::NotFaster { reason: format!("median {:.2}x but one interleaved round was slower ({:.2}x): not a consistent win", last.speedup, slowest_round), timing }
        } else {
            BenchOutcome::Faster(Box::new(Accepted { verified: v, timing }))
        })
    }
}

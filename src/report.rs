//! The run report: one entry per function (accepted, rejected or skipped, with why), each
//! candidate's verdict and speedup, and a summary. `--json` prints it on stdout; people get the
//! human summary on stderr. Also renders the commit message of an accepted rewrite.

use std::collections::BTreeMap;
use crate::bench::{Accepted, Timing};
use crate::discover::Function;
use crate::verify::Evidence;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Accepted,
    Rejected,
    Skipped,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct CandidateReport {
    pub origin: String,
    pub label: String,
    pub verdict: String,
    pub message: Option<String>,
    pub speedup: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
    /// Wall time aiaccel spent verifying / benchmarking this candidate.
    pub verify_s: f64,
    pub bench_s: f64,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct FunctionReport {
    pub path: String,
    pub function: String,
    pub line: usize,
    pub status: Status,
    pub reason: String,
    pub strategy: Option<String>,
    pub origin: Option<String>,
    pub speedup: Option<f64>,
    pub branch: Option<String>,
    pub captured_calls: usize,
    pub candidates: Vec<CandidateReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    /// Why the local model was not asked about this function, where it was not (the triage
    /// before generation: a win is not possible, or the model's budget is spent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_not_asked: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Summary {
    pub head: String,
    /// `rewrite --shard I/N`: (I, N); `merge-reports` checks that all N are there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<(u64, u64)>,
    pub files_scanned: usize,
    pub functions: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub skipped: usize,
    pub branches: Vec<String>,
    pub candidates: usize,
    pub candidates_equivalent: usize,
    pub geomean_speedup: Option<f64>,
    pub seconds: f64,
    pub python: String,
    pub numpy: String,
    pub numba: String,
    pub capture: String,
    /// Per-proposer counters (the model's tokens, tok/s, model time).
    pub proposers: std::collections::BTreeMap<String, serde_json::Value>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct Report {
    pub functions: Vec<FunctionReport>,
    pub summary: Summary,
}

impl Report {
    pub fn finish(&mut self) {
        let s = &mut self.summary;
        s.functions = self.functions.len();
        s.accepted = self.functions.iter().filter(|f| f.status == Status::Accepted).count();
        s.rejected = self.functions.iter().filter(|f| f.status == Status::Rejected).count();
        s.skipped = self.functions.iter().filter(|f| f.status == Status::Skipped).count();
        s.branches = self.functions.iter().filter_map(|f| f.branch.clone()).collect();
        s.candidates = self.functions.iter().map(|f| f.candidates.len()).sum();
        s.candidates_equivalent = self.functions.iter().flat_map(|f| &f.candidates).filter(|c| matches!(c.verdict.as_str(), "equivalent" | "accepted" | "not_faster" | "bench_failed")).count();
        let sp: Vec<f64> = self.functions.iter().filter(|f| f.status == Status::Accepted).filter_map(|f| f.speedup).collect();
        s.geomean_speedup = (!sp.is_empty()).then(|| (sp.iter().map(|x| x.ln()).sum::<f64>() / sp.len() as f64).exp());
    }

    /// The human summary (stderr).
    pub fn human(&self) -> String {
        let mut out = String::new();
        let w = self.functions.iter().map(|f| f.path.len() + f.function.len() + 2).max().unwrap_or(20).min(60);
        for f in &self.functions {
            let name = format!("{}::{}", f.path, f.function);
            let line = match f.status {
                Status::Accepted => format!(
                    "  accepted  {name:w$}  {:>7}  {} -> {}",
                    f.speedup.map(|s| format!("{s:.1}x")).unwrap_or_default(),
                    f.origin.clone().unwrap_or_default(),
                    f.branch.clone().unwrap_or_default()
                ),
                Status::Rejected => format!("  rejected  {name:w$}           {}", first_line(&f.reason)),
                Status::Skipped => format!("  skipped   {name:w$}           {}", first_line(&f.reason)),
            };
            out.push_str(&line);
            out.push('\n');
        }
        let s = &self.summary;
        out.push_str(&format!(
            "\n{} functions: {} accepted, {} rejected, {} skipped; {} of {} candidates verified equivalent{}; {:.1} s\n",
            s.functions,
            s.accepted,
            s.rejected,
            s.skipped,
            s.candidates_equivalent,
            s.candidates,
            s.geomean_speedup.map(|g| format!("; geomean speedup {g:.1}x")).unwrap_or_default(),
            s.seconds
        ));
        // the stages in counts: what was proposed, verified, found equivalent, faster
        let all: Vec<&CandidateReport> = self.functions.iter().flat_map(|f| &f.candidates).collect();
        let from_model = all.iter().filter(|c| c.origin.starts_with("llm:")).count();
        let verified = all.iter().filter(|c| c.verify_s > 0.0).count();
        let faster = all.iter().filter(|c| c.verdict == "accepted").count();
        out.push_str(&format!(
            "stages: discover {} functions · propose {} candidates ({} rules, {} model) · verify {} run, {} equivalent · bench {} faster\n",
            s.functions,
            all.len(),
            all.len() - from_model,
            from_model,
            verified,
            s.candidates_equivalent,
            faster
        ));
        for (name, st) in &s.proposers {
            // the model's counters (`propose::llm::LlmStats`); other proposers keep none
            let n = |k: &str| st.get(k).and_then(|v| v.as_f64()).unwrap_or(0.0);
            if st.get("generations").is_none() {
                continue;
            }
            let rate = |k: &str| if n(k) > 0.0 && n("model_seconds") >= 1.0 { format!(" at {:.1} tok/s", n(k)) } else { String::new() };
            out.push_str(&format!(
                "{name}: {} generations ({} from the cache), {} prompt tokens ({} reused){}, {} generated{} ({} confirmed drafts), {:.0} s in the model\n",
                n("generations"),
                n("cache_hits"),
                n("prompt_tokens"),
                n("reused_prompt_tokens"),
                rate("prefill_tokens_per_second"),
                n("generated_tokens"),
                rate("decode_tokens_per_second"),
                n("accepted_draft_tokens"),
                n("model_seconds")
            ));
        }
        // the model's triage: the functions it was not asked about, and why (first reason)
        let not_asked: Vec<&FunctionReport> = self.functions.iter().filter(|f| f.model_not_asked.is_some()).collect();
        if !not_asked.is_empty() && !s.proposers.is_empty() {
            let mut why: BTreeMap<&str, usize> = BTreeMap::new();
            for f in &not_asked {
                let w = f.model_not_asked.as_deref().unwrap_or("");
                *why.entry(w.split(':').next().unwrap_or(w)).or_default() += 1;
            }
            let parts: Vec<String> = why.iter().map(|(w, n)| format!("{n} {w}")).collect();
            out.push_str(&format!("model not asked about {} functions the rules did not accelerate: {}\n", not_asked.len(), parts.join(", ")));
        }
        if !s.branches.is_empty() {
            out.push_str("branches (nothing in your worktree changed; review them with `aiaccel review`, `aiaccel review show BRANCH`, `aiaccel pr BRANCH`):\n");
            for b in &s.branches {
                out.push_str(&format!("  {b}\n"));
            }
        }
        out
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// `perf(signals): moving_average 14.2x via numba-njit-adapter` and the evidence body.
pub fn commit_message(f: &Function, a: &Accepted, head: &str, diff_stats: (usize, usize)) -> String {
    let v = a.verified();
    let e = v.evidence();
    let t = a.timing();
    let scope = f.module.rsplit('.').next().unwrap_or(&f.module);
    let mut m = format!("perf({scope}): {} {:.1}x via {}\n\n", f.qualname, t.speedup(), v.candidate().label);
    m.push_str(&format!(
        "aiaccel rewrote `{}` ({}:{}) with {} (strategy: {}).\n\n",
        f.id(),
        f.path,
        f.line,
        v.candidate().origin,
        v.candidate().strategy.as_str()
    ));
    m.push_str("Verification (differential: original vs rewrite, same inputs):\n");
    m.push_str(&format!(
        "  inputs: {} ({} captured from the repo's tests, {} generated incl. empty, single, NaN/inf, big-int cases), seed {}\n",
        e.cases, e.captured, e.generated, e.seed
    ));
    m.push_str(&format!(
        "  compared: return value (type identity, ints exact, floats rtol {:e}, NaN == NaN), arguments after the call, exception type, stdout\n",
        e.rtol
    ));
    m.push_str(&format!("  max abs error {:.3e}, max rel error {:.3e}\n", e.max_abs_err, e.max_rel_err));
    for l in e.checks_lines() {
        m.push_str(&format!("  {l}\n"));
    }
    for s in &e.captured_shapes {
        m.push_str(&format!("  captured call shape: {s}\n"));
    }
    m.push_str(&format!("\nBenchmark (original and rewrite interleaved, {} rounds each, medians):\n", t.sizes.first().map(|s| s.ratios.len()).unwrap_or(0)));
    if let Some(r) = t.real() {
        m.push_str(&format!("  headline {:.2}x at the repo's own call size (largest captured call); {:.2}x at the largest generated size\n", r.speedup, t.at_scale()));
    }
    for s in &t.sizes {
        let lo = s.ratios.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = s.ratios.iter().cloned().fold(0.0, f64::max);
        m.push_str(&format!(
            "  {}{} ({}): original {}, rewrite {}, {:.2}x (rounds {:.2}x..{:.2}x)\n",
            if s.real { "" } else { "n=" },
            s.size,
            s.inputs,
            fmt_s(s.orig_median_s),
            fmt_s(s.cand_median_s),
            s.speedup,
            lo,
            hi
        ));
    }
    m.push_str(&format!(
        "  JIT compile / first call overhead: {}{}\n",
        fmt_s(t.compile_s),
        t.break_even_calls.map(|c| format!(" (paid back after {:.0} calls at the largest size)", c.ceil())).unwrap_or_default()
    ));
    m.push_str("\nAssumes (when the rewrite is NOT equivalent; check these):\n");
    for l in v.candidate().assumes.lines() {
        m.push_str(&format!("  {l}\n"));
    }
    m.push_str(&format!("\nDiff: {}: {} insertions(+), {} deletions(-)\n", f.path, diff_stats.0, diff_stats.1));
    let runtime = crate::runtime::imported_by(v.module_text());
    if !runtime.is_empty() {
        let names: Vec<String> = runtime.iter().map(|m| crate::runtime::beside(&f.path, &m.file_name())).collect();
        m.push_str(&format!("Runtime: {} (aiaccel's shared helpers, added beside the module; the same file in every aiaccel branch, so branches merge cleanly)\n", names.join(", ")));
    }
    m.push_str(&format!("Generated by aiaccel {} from {}.\n", env!("CARGO_PKG_VERSION"), head));
    m
}

/// `YYYY-MM-DD` of a Unix time (UTC).
pub fn date_of(secs: u64) -> String {
    // days since 1970-01-01 to a civil date (the proleptic Gregorian calendar)
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

pub fn fmt_s(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.1} us", s * 1e6)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_civil() {
        assert_eq!(super::date_of(0), "1970-01-01");
        assert_eq!(super::date_of(951_782_400), "2000-02-29");
        assert_eq!(super::date_of(1_796_083_200), "2026-12-01");
    }
}

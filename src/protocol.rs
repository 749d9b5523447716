//! The harness protocol, Rust side of the requests: one typed request per mode, serialized as
//! the one JSON object the harness reads on stdin (`src/verify/harness/main.py` dispatches on
//! `mode`). The typed replies sit beside the code that reads them (`verify`, `bench`, `eval`,
//! `python`). A field the harness reads as `req["key"]` is a field here; the test at the end of
//! this file reads the harness sources and fails when one is missing.
//!
//! Data only: it knows discovery's `Function` and nothing of the stages above.

use crate::discover::{Function, FunctionKind, ParamShape};
use serde::Serialize;
use std::path::PathBuf;

/// One request to the harness.
#[derive(Debug, Serialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Request {
    /// Versions of Python, NumPy, Numba, pytest and the optional packages.
    Probe,
    Verify(VerifyRequest),
    Bench(BenchRequest),
    RepoTests(RepoTestsRequest),
    Capture(CaptureRequest),
    Eval(EvalRequest),
    NjitRef(NjitRefRequest),
}

impl Request {
    pub fn mode(&self) -> &'static str {
        match self {
            Request::Probe => "probe",
            Request::Verify(_) => "verify",
            Request::Bench(_) => "bench",
            Request::RepoTests(_) => "repo_tests",
            Request::Capture(_) => "capture",
            Request::Eval(_) => "eval",
            Request::NjitRef(_) => "njit_ref",
        }
    }
}

/// The function a request is about, and where to import it from: every mode but probe and
/// capture has it.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub sys_path: Vec<PathBuf>,
    pub cwd: PathBuf,
    pub module: String,
    pub qualname: String,
    pub kind: &'static str,
    pub params: Vec<ParamSpec>,
}

impl Target {
    pub fn new(sys_path: &[PathBuf], cwd: &std::path::Path, f: &Function) -> Target {
        Target {
            sys_path: sys_path.to_vec(),
            cwd: cwd.to_path_buf(),
            module: f.module.clone(),
            qualname: f.qualname.clone(),
            kind: kind_str(f.kind),
            params: f
                .params
                .iter()
                .map(|p| ParamSpec {
                    name: p.name.clone(),
                    shape: p.shape,
                    variadic: p.variadic,
                    has_default: p.default.is_some() && p.shape == ParamShape::Unknown,
                })
                .collect(),
        }
    }
}

pub fn kind_str(k: FunctionKind) -> &'static str {
    match k {
        FunctionKind::Plain => "plain",
        FunctionKind::Method => "method",
        FunctionKind::StaticMethod => "static",
        FunctionKind::ClassMethod => "classmethod",
    }
}

/// A parameter as the input generator sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ParamSpec {
    pub name: String,
    pub shape: ParamShape,
    pub variadic: bool,
    /// Generate no value for it (its default is used): a default the shape analysis knows
    /// nothing about.
    pub has_default: bool,
}

/// How two results are compared (the verifier's settings, the same in bench's sanity check).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CompareRules {
    pub rtol: f64,
    pub atol: f64,
    pub nan_equal: bool,
    pub signed_zero: bool,
    pub exception_message: bool,
}

#[derive(Debug, Serialize)]
pub struct VerifyRequest {
    #[serde(flatten)]
    pub target: Target,
    #[serde(flatten)]
    pub compare: CompareRules,
    pub cand_module: String,
    pub captured_file: Option<PathBuf>,
    pub seed: u64,
    pub max_generated: usize,
    pub max_captured: usize,
    pub min_coverage: f64,
    /// Wall-clock limit of one call of the original, seconds.
    pub case_limit_s: f64,
    /// Time for the original's doctests with the candidate in its place, seconds.
    pub doctest_budget_s: f64,
}

#[derive(Debug, Serialize)]
pub struct BenchRequest {
    #[serde(flatten)]
    pub target: Target,
    #[serde(flatten)]
    pub compare: CompareRules,
    pub cand_module: String,
    pub captured_file: Option<PathBuf>,
    pub seed: u64,
    /// The original should take about this long per call at the largest size.
    pub target_s: f64,
    pub rounds: usize,
    pub max_n: u64,
    /// Time for growing the inputs to `target_s`.
    pub grow_budget_s: f64,
    /// The least time one timed sample takes (calls are repeated up to it).
    pub min_sample_s: f64,
    /// Stop early when the median speedup after three rounds is below this.
    pub give_up_below: f64,
}

#[derive(Debug, Serialize)]
pub struct RepoTestsRequest {
    #[serde(flatten)]
    pub target: Target,
    pub cand_module: String,
    pub root: PathBuf,
    /// pytest node ids.
    pub tests: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct CaptureRequest {
    pub sys_path: Vec<PathBuf>,
    pub root: PathBuf,
    pub targets: Vec<CaptureTarget>,
    pub max_calls: usize,
    pub out_dir: PathBuf,
    pub test_paths: Vec<String>,
}

/// A function whose calls the capture records, found by file, name and line.
#[derive(Debug, Serialize)]
pub struct CaptureTarget {
    pub id: String,
    pub path: String,
    pub name: String,
    pub line: usize,
    pub params: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct EvalRequest {
    #[serde(flatten)]
    pub target: Target,
    pub cand_module: String,
    pub spec_path: PathBuf,
    pub sizes: Vec<String>,
    pub seed: u64,
    pub rounds: usize,
    pub size_budget_s: f64,
    /// Run the spec's oracle on the candidate's results.
    pub oracle: bool,
}

#[derive(Debug, Serialize)]
pub struct NjitRefRequest {
    #[serde(flatten)]
    pub target: Target,
    pub spec_path: PathBuf,
    pub size: String,
    pub seed: u64,
    pub rounds: usize,
    pub size_budget_s: f64,
}

/// What `python::run_process` sends: the request, the reply tag, and the sandbox to install.
#[derive(Serialize)]
pub(crate) struct Envelope<'a> {
    #[serde(flatten)]
    pub request: &'a Request,
    pub tag: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn target() -> Target {
        Target { sys_path: vec![], cwd: "/r".into(), module: "m".into(), qualname: "f".into(), kind: "plain", params: vec![] }
    }

    fn compare() -> CompareRules {
        CompareRules { rtol: 1e-9, atol: 0.0, nan_equal: true, signed_zero: false, exception_message: false }
    }

    fn keys(r: &Request) -> BTreeSet<String> {
        let env = Envelope { request: r, tag: "t", sandbox: Some(serde_json::json!({})) };
        serde_json::to_value(&env).unwrap().as_object().unwrap().keys().cloned().collect()
    }

    /// `req["key"]` and `req.get("key"` in the text of the Python functions named.
    fn read_keys(src: &str, functions: &[&str]) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for name in functions {
            let start = src.find(&format!("def {name}(")).unwrap_or_else(|| panic!("no def {name} in the harness"));
            let body = &src[start..];
            let end = body[1..].find("\ndef ").map(|e| e + 1).unwrap_or(body.len());
            let body = &body[..end];
            for pat in ["req[\"", "req.get(\""] {
                for (i, _) in body.match_indices(pat) {
                    let rest = &body[i + pat.len()..];
                    out.insert(rest[..rest.find('"').unwrap()].to_string());
                }
            }
        }
        out
    }

    /// Every key a harness mode reads is one its request has: a renamed or missing field fails
    /// here, not as a KeyError (or a silent default) at run time.
    #[test]
    fn every_key_the_harness_reads_is_sent() {
        let src = crate::python::HARNESS;
        let cases: Vec<(Request, Vec<&str>)> = vec![
            (
                Request::Verify(VerifyRequest {
                    target: target(),
                    compare: compare(),
                    cand_module: "c".into(),
                    captured_file: None,
                    seed: 1,
                    max_generated: 1,
                    max_captured: 1,
                    min_coverage: 0.0,
                    case_limit_s: 3.0,
                    doctest_budget_s: 30.0,
                }),
                vec!["mode_verify", "stress_parallel", "run_doctests"],
            ),
            (
                Request::Bench(BenchRequest {
                    target: target(),
                    compare: compare(),
                    cand_module: "c".into(),
                    captured_file: None,
                    seed: 1,
                    target_s: 0.1,
                    rounds: 3,
                    max_n: 8,
                    grow_budget_s: 1.0,
                    min_sample_s: 0.01,
                    give_up_below: 0.8,
                }),
                vec!["mode_bench"],
            ),
            (
                Request::RepoTests(RepoTestsRequest { target: target(), cand_module: "c".into(), root: "/r".into(), tests: vec![] }),
                vec!["mode_repo_tests"],
            ),
            (
                Request::Capture(CaptureRequest { sys_path: vec![], root: "/r".into(), targets: vec![], max_calls: 1, out_dir: "/o".into(), test_paths: vec![] }),
                vec!["mode_capture"],
            ),
            (
                Request::Eval(EvalRequest {
                    target: target(),
                    cand_module: "c".into(),
                    spec_path: "/s".into(),
                    sizes: vec![],
                    seed: 7,
                    rounds: 3,
                    size_budget_s: 1.0,
                    oracle: true,
                }),
                vec!["mode_eval"],
            ),
            (
                Request::NjitRef(NjitRefRequest { target: target(), spec_path: "/s".into(), size: "small".into(), seed: 7, rounds: 3, size_budget_s: 1.0 }),
                vec!["mode_njit_ref"],
            ),
            (Request::Probe, vec!["mode_probe"]),
        ];
        let main_reads = read_keys(src, &["main"]);
        for (req, functions) in &cases {
            let sent = keys(req);
            assert!(sent.contains("mode") && sent.contains("tag"));
            let missing: Vec<_> = read_keys(src, functions).union(&main_reads).filter(|k| !sent.contains(*k)).cloned().collect();
            // (main reads sys_path and cwd with defaults: probe and capture have no target)
            let missing: Vec<_> = missing.into_iter().filter(|k| !(matches!(req, Request::Probe | Request::Capture(_)) && (k == "sys_path" || k == "cwd"))).collect();
            assert!(missing.is_empty(), "{} reads keys its request lacks: {missing:?}", req.mode());
        }
        // the test reads real code: the verify mode reads the comparison rules
        assert!(read_keys(src, &["mode_verify"]).contains("rtol"));
    }

    #[test]
    fn a_request_serializes_with_its_mode_and_flattened_target() {
        let v = serde_json::to_value(Request::NjitRef(NjitRefRequest { target: target(), spec_path: "/s".into(), size: "small".into(), seed: 7, rounds: 3, size_budget_s: 1.0 })).unwrap();
        assert_eq!(v["mode"], "njit_ref");
        assert_eq!(v["qualname"], "f");
        assert_eq!(v["size"], "small");
    }
}

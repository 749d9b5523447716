//! Proposing rewrites: the `Proposer` trait and the `Candidate` it yields.
//!
//! A proposer never judges its own output: everything it returns is untrusted until `verify`
//! says otherwise. It must never touch the user's repository; it sees only the HEAD snapshot text.

pub mod rules;
pub mod llm;
pub mod local_model;

use crate::discover::Function;
use serde::Serialize;

/// Where a candidate came from. Shown in reports and commit subjects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Origin {
    /// A rule of the rule engine, by code and kebab name (`AX001`, `numba-njit-adapter`).
    Rule { code: String, name: String },
    /// A language model, by model name (`qwen2.5-coder-1.5b-q4_k_m`).
    Llm { model: String },
    /// Written by a person and handed to `aiaccel check`.
    User { path: String },
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Rule { code, .. } => write!(f, "rule:{code}"),
            Origin::Llm { model } => write!(f, "llm:{model}"),
            Origin::User { path } => write!(f, "user:{path}"),
        }
    }
}

/// The acceleration technique a candidate uses. In a rule file, `strategy = "numba-parallel"`;
/// a name not listed here is an error, not `Manual`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    Numba,
    NumbaParallel,
    Vectorize,
    Cupy,
    Parallel,
    Manual,
}

impl Strategy {
    pub fn as_str(&self) -> &'static str {
        match self {
            Strategy::Numba => "numba",
            Strategy::NumbaParallel => "numba-parallel",
            Strategy::Vectorize => "vectorize",
            Strategy::Cupy => "cupy",
            Strategy::Parallel => "parallel",
            Strategy::Manual => "manual",
        }
    }
}

/// A proposed rewrite of one function. Untrusted.
///
/// `source` is Python text holding the new definition of the function (same name, same
/// signature) plus whatever it needs: imports, private helpers, kernels. `edit::splice` puts the
/// definition where the original stood and everything else at module level just before it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub origin: Origin,
    pub strategy: Strategy,
    /// Short human label, e.g. the rule's kebab name or "llm vectorize #2".
    pub label: String,
    pub source: String,
    /// When the rewrite is NOT equivalent (a rule's `assumes`); goes into the commit body.
    pub assumes: String,
}

/// What a proposer gets to see about a function.
pub struct ProposeContext<'a> {
    pub function: &'a Function,
    /// Text of the whole module at HEAD.
    pub module_source: &'a str,
    /// Human-readable summary of the observed inputs ("a: list[float] len 1000; n: int"), if known.
    pub observed_inputs: Option<&'a str>,
}

/// A source of candidates: the rule engine, a local model, a remote endpoint.
pub trait Proposer {
    /// Name for progress output and reports.
    fn name(&self) -> String;

    /// Propose zero or more rewrites. `Err` only for failures of the proposer itself
    /// (model file corrupt, ...), never for "nothing to propose".
    fn propose(&mut self, ctx: &ProposeContext<'_>) -> anyhow::Result<Vec<Candidate>>;

    /// Given a candidate the verifier rejected and the verifier's message (exception text,
    /// counterexample, type mismatch), try once more. `Ok(None)`: no repair offered.
    fn repair(
        &mut self,
        _ctx: &ProposeContext<'_>,
        _rejected: &Candidate,
        _feedback: &str,
    ) -> anyhow::Result<Option<Candidate>> {
        Ok(None)
    }

    /// Counters for the run summary (tokens, model time), if the proposer keeps any.
    fn stats(&self) -> Option<serde_json::Value> {
        None
    }

    /// A costly proposer (a model) runs only where the cheap ones found no accepted rewrite.
    fn only_as_fallback(&self) -> bool {
        false
    }

    /// One of its candidates was verified equivalent and faster (`speedup` at the sizes that
    /// decide): a model keeps it as a worked example for later prompts.
    fn accepted(&mut self, _ctx: &ProposeContext<'_>, _candidate: &Candidate, _speedup: f64) {}
}

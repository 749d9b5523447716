//! aiaccel: make legacy numeric Python fast, with evidence.
//!
//! The pipeline, one stage per module, each consuming the previous stage's type:
//!
//! ```text
//! git::Snapshot (HEAD, never the worktree)
//!   -> discover::discover        -> Function      (worth accelerating, ranked)
//!   -> propose::Proposer         -> Candidate     (untrusted: a rule's or a model's rewrite)
//!   -> verify::Verifier          -> Verified      (only verify can build one)
//!   -> bench::Bencher            -> Accepted      (verified and measurably faster; only bench builds one)
//!   -> publish::commit(&Accepted) -> a branch aiaccel/<module>/<function>
//! ```
//!
//! Around it: `review` reads the branches back (state at HEAD, accept, reject), `runtime` holds
//! the helper modules a rewrite imports, `config` the repo's `[tool.aiaccel]`.
//!
//! `pipeline` holds the per-function policy (which proposers, repairs, best choice, branch
//! reuse) over a `pipeline::Session` that every command sets up the same way.
//!
//! Outcomes are data, failures are errors: a candidate that diverges, crashes or times out is a
//! `Verdict`; an `Err` means aiaccel itself could not do its job (no Python, git refused, ...).

pub mod bench;
pub mod cli;
pub mod commands;
pub mod config;
pub mod discover;
pub mod edit;
pub mod eval;
pub mod git;
pub mod journal;
pub mod paths;
pub mod pipeline;
pub mod printer;
pub mod protocol;
pub mod propose;
pub mod publish;
pub mod pyast;
pub mod python;
pub mod report;
pub mod report_html;
pub mod review;
pub mod runtime;
pub mod verify;

pub use discover::Function;
pub use propose::{Candidate, Origin, Proposer, Strategy};

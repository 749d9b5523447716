//! Command-line arguments (clap) -> one validated `Config` per command.
//!
//! The clap structs (`*Args`) are raw input; `*Args::config()` checks them once and returns the
//! command's config, which is all the library sees. The configs derive `Serialize`: `rewrite
//! --resume` keys its journal by a hash of the whole serialized config, so a flag that changes
//! results cannot be left out of the key by accident. Fields that do not change results (output
//! format, `--resume` itself) are `#[serde(skip)]`.

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "aiaccel", version, about = "Make legacy numeric Python fast: verified, measured rewrites as git branches", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print nothing but errors on stderr.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Discover, propose, verify, benchmark and commit accelerated rewrites as branches.
    Rewrite(RewriteArgs),
    /// Verify (and time) a rewrite of one function written by a person or another tool.
    Check(CheckArgs),
    /// List the rewrite rules.
    Rules,
    /// Print one rule's documentation, or (with --apply) the rewrite it makes of a function.
    Rule {
        /// Rule code (AX001) or name (numba-njit-adapter).
        code: String,
        /// FILE::FUNCTION: print the candidate this rule proposes for it (read from the file as it is).
        #[arg(long)]
        apply: Option<String>,
    },
    /// Replay the evidence stored with an accepted branch: does it still hold?
    Verify(VerifyBranchArgs),
    /// Review aiaccel's branches like pull requests: list them (by impact), show, accept, reject, prune.
    Review(ReviewArgs),
    /// Print a pull-request title and markdown body for aiaccel branches (and open it with gh).
    Pr(PrArgs),
    /// A run's report (`rewrite --json` output) as text, or as one self-contained HTML page.
    Report(ReportArgs),
    /// Join the `--json` reports of `rewrite --shard I/N` runs into one report (on stdout).
    MergeReports(MergeReportsArgs),
    /// Run the pipeline over the benchmark corpus and score it (naive-njit, rules, llm, full).
    Eval(EvalArgs),
    /// Check the Python environment aiaccel will use (and create the managed venv with --fix).
    Doctor(DoctorArgs),
    /// Manage the local code models.
    Model {
        #[command(subcommand)]
        action: ModelAction,
    },
}

#[derive(Subcommand, Debug)]
pub enum ModelAction {
    /// List the models aiaccel knows and whether they are fetched.
    List,
    /// Download, check and store a model (default: the default model).
    Fetch { name: Option<String> },
}

#[derive(Args, Debug, Clone, Serialize)]
pub struct PythonArgs {
    /// Python interpreter that runs the repo's code (default: $AIACCEL_PYTHON, the repo's .venv, python3).
    #[arg(long)]
    pub python: Option<PathBuf>,
}

/// Limits of the sandbox every run of repo or candidate code gets.
#[derive(Args, Debug, Clone, Serialize)]
pub struct SandboxArgs {
    /// Wall-clock limit for one verification run, in seconds (the whole process group is killed).
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
    /// Address-space limit of each run, in MiB.
    #[arg(long, default_value_t = 8192)]
    pub memory_limit: u64,
    /// CPU-time limit of each run, in seconds.
    #[arg(long, default_value_t = 600)]
    pub cpu_limit: u64,
    /// Largest file a run may write, in MiB.
    #[arg(long, default_value_t = 256)]
    pub file_limit: u64,
    /// Do not put runs in a private network namespace (the audit hook still refuses sockets).
    #[arg(long)]
    pub no_network_isolation: bool,
    /// Run candidates with no sandbox at all. Only for measuring the sandbox's overhead
    /// (scripts/bench_sandbox.sh); never for code you have not read.
    #[arg(long, hide = true)]
    pub unsafe_no_sandbox: bool,
}

impl SandboxArgs {
    pub fn limits(&self) -> crate::python::Limits {
        crate::python::Limits {
            memory_bytes: self.memory_limit << 20,
            cpu_seconds: self.cpu_limit,
            file_bytes: self.file_limit << 20,
            isolate_network: !self.no_network_isolation,
            ..Default::default()
        }
    }
}

#[derive(Args, Debug)]
pub struct RewriteArgs {
    /// A git repository, or a folder inside one.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Only functions whose name, `module:name` or `path::name` matches (glob; repeatable).
    #[arg(long = "function", short = 'f')]
    pub functions: Vec<String>,
    /// Accept a rewrite only when it is at least this many times faster (default: `min_speedup`
    /// of `[tool.aiaccel]`, else 1.2).
    #[arg(long)]
    pub min_speedup: Option<f64>,
    /// Accept on the largest generated size even where the rewrite is slower at the sizes of
    /// the calls captured from the repo's tests.
    #[arg(long)]
    pub accept_at_scale: bool,
    /// Print the run report as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Verify and measure, but create no branches.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not run the repo's tests to capture real inputs.
    #[arg(long)]
    pub no_capture: bool,
    /// Continue an interrupted run of the same HEAD and settings: functions it finished are not
    /// redone (their results come from the run journal in the cache dir).
    #[arg(long)]
    pub resume: bool,
    /// At most this many functions (the highest ranked).
    #[arg(long)]
    pub max_functions: Option<usize>,
    /// Only functions changed since REF (their text differs there, or they are new): in CI, the
    /// functions a pull request touches (`--changed-since origin/main`).
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    /// Only shard I of N (1-based): the functions split by a hash of their path and name, the
    /// same split on every machine, so that a CI matrix or a Slurm array spreads a large repo
    /// over N machines; `aiaccel merge-reports` joins the shards' `--json` reports.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Also write the run's report as one self-contained HTML page here.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// The families of rewrites to try, comma-separated: numba, numba-parallel, vectorize, cupy
    /// (default: `strategies` of `[tool.aiaccel]`, else all; cupy only runs where a GPU is).
    #[arg(long, value_delimiter = ',', value_parser = parse_strategy)]
    pub strategies: Vec<crate::propose::Strategy>,
    #[command(flatten)]
    pub llm: LlmArgs,
    #[command(flatten)]
    pub py: PythonArgs,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The report of a run: what `aiaccel rewrite --json` printed (or `merge-reports`).
    pub report: PathBuf,
    /// Write the HTML page here (nothing in it is loaded from the network).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct MergeReportsArgs {
    /// `aiaccel rewrite --json` reports of the shards of one run.
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
}

/// `90s`, `10m`, `1h`, or plain seconds.
fn parse_budget(v: &str) -> Result<std::time::Duration, String> {
    let v = v.trim();
    let (num, unit) = v.split_at(v.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(v.len()));
    let n: f64 = num.parse().map_err(|_| format!("{v:?} is not a time such as 90s, 10m or 1h"))?;
    let secs = match unit {
        "" | "s" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("{v:?}: the unit is s, m or h (90s, 10m, 1h)")),
    };
    if !(secs.is_finite() && secs > 0.0) {
        return Err(format!("{v:?}: the budget must be more than 0"));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

/// The local code model's flags, shared by `rewrite` and `eval`.
#[derive(Args, Debug, Clone, Serialize)]
pub struct LlmArgs {
    /// Rules only: do not run the local code model (`eval`: drops the llm and full configurations).
    #[arg(long)]
    pub no_llm: bool,
    /// A local GGUF model file (qwen2 architecture), or the name of a shipped model
    /// (`aiaccel model list`), instead of the default model.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Try the local model on at most this many functions (those the rules did not accelerate,
    /// highest ranked first; `eval`: per configuration): generation on a CPU takes about a minute
    /// per candidate.
    #[arg(long, default_value_t = 5)]
    pub llm_functions: usize,
    /// The time the model may take in all, generation and verifying what it proposes (`90s`,
    /// `10m`, `1h`); functions are asked in rank order until it is spent. `--llm-functions`
    /// stays a cap. Functions where a model rewrite cannot win (the rules' compiled kernel ran
    /// and still lost to the list conversion) are not asked at all; the report says why.
    #[arg(long, value_parser = parse_budget)]
    pub llm_budget: Option<std::time::Duration>,
    /// The model writes whole functions, not kernels wrapped by aiaccel's adapter (kernel mode
    /// is the default wherever the adapter applies: list and number parameters).
    #[arg(long)]
    pub llm_whole_function: bool,
    /// Sampled answers per strategy on top of the greedy one (temperature 0.7, seeded; each
    /// costs a generation).
    #[arg(long, default_value_t = 0)]
    pub llm_samples: usize,
    /// An OpenAI-compatible chat endpoint (llama.cpp server, vLLM, Ollama) instead of the
    /// in-process model, e.g. http://localhost:8080/v1.
    #[arg(long)]
    pub llm_url: Option<String>,
    /// The model name the endpoint serves (with --llm-url).
    #[arg(long, default_value = "qwen2.5-coder")]
    pub llm_model: String,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// FILE::FUNCTION (FILE relative to the current directory; FUNCTION may be Class.method).
    pub target: String,
    /// Python file with the new definition of FUNCTION and whatever it needs.
    #[arg(long)]
    pub candidate: PathBuf,
    /// Print the verdict as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Verify only; do not time.
    #[arg(long)]
    pub no_bench: bool,
    /// Do not run the repo's tests to capture real inputs.
    #[arg(long)]
    pub no_capture: bool,
    #[arg(long, default_value_t = 1.2)]
    pub min_speedup: f64,
    /// The candidate sums in another order than the original (np.sum, BLAS): allow the float
    /// differences that explains, up to a bound from the original run on the inputs' absolute
    /// values, and no more.
    #[arg(long)]
    pub reorders_sums: bool,
    #[command(flatten)]
    pub py: PythonArgs,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

#[derive(Args, Debug)]
pub struct VerifyBranchArgs {
    /// A branch made by `aiaccel rewrite` (or any commit on top of one).
    pub branch: String,
    #[command(flatten)]
    pub py: PythonArgs,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReviewArgs {
    #[command(subcommand)]
    pub action: Option<ReviewAction>,
    /// The repository (a folder inside it; default: the current directory).
    pub path: Option<PathBuf>,
    /// The listing as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum ReviewAction {
    /// The branch's diff (coloured on a terminal) and its evidence.
    Show {
        branch: String,
        /// Show the runtime modules' text too, not only that they are added.
        #[arg(long)]
        full: bool,
    },
    /// Merge branches onto the current branch (a clean worktree only); when HEAD moved since a
    /// branch was made, the merged module is verified against HEAD's original first.
    Accept {
        #[arg(required = true)]
        branches: Vec<String>,
        #[command(flatten)]
        py: PythonArgs,
        #[command(flatten)]
        sandbox: SandboxArgs,
    },
    /// Delete branches and remember the rejection: `rewrite` does not propose the same rewrite
    /// of the unchanged function again.
    Reject {
        #[arg(required = true)]
        branches: Vec<String>,
        /// Why (kept with the rejection and shown when the rewrite would be proposed again).
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Delete the branches that are merged, stale (the function changed at HEAD) or gone.
    Prune {
        /// Only say what would be deleted.
        #[arg(long)]
        dry_run: bool,
    },
    /// Forget the rejections of a function (`path.py::qualname` or `qualname`).
    Forget { function: String },
}

#[derive(Args, Debug)]
pub struct PrArgs {
    /// aiaccel branches (default with --group: every current one).
    pub branches: Vec<String>,
    /// Run `gh pr create` (when gh is installed and the branch is pushed).
    #[arg(long)]
    pub open: bool,
    /// Batch the branches into one PR branch per module (`module`) or one in all (`all`),
    /// made by merging them onto HEAD in git's object store (`aiaccel-pr/<name>`).
    #[arg(long, value_parser = ["module", "all"])]
    pub group: Option<String>,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// The corpus: a folder with specs/ and src/.
    #[arg(default_value = "eval/corpus")]
    pub corpus: PathBuf,
    /// Configurations to compare, comma-separated: naive-njit, rules, llm, full.
    #[arg(long, value_delimiter = ',', default_value = "naive-njit,rules,full")]
    pub configs: Vec<String>,
    /// Sizes to time accepted rewrites at, comma-separated: small, medium, large.
    #[arg(long, value_delimiter = ',', default_value = "small,medium")]
    pub sizes: Vec<String>,
    /// Only specs whose name contains one of these (repeatable).
    #[arg(long)]
    pub only: Vec<String>,
    #[command(flatten)]
    pub llm: LlmArgs,
    #[arg(long, default_value_t = 1.2)]
    pub min_speedup: f64,
    /// Write the report as JSON here (default: eval/results/<date>.json beside the corpus).
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// An earlier report: print what regressed (exit 1 if anything did).
    #[arg(long)]
    pub compare: Option<PathBuf>,
    #[command(flatten)]
    pub py: PythonArgs,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

#[derive(Args, Debug)]
pub struct DoctorArgs {
    /// A git repository (for its .venv), default the current directory.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Create the managed venv if numpy or numba are missing.
    #[arg(long)]
    pub fix: bool,
    #[command(flatten)]
    pub py: PythonArgs,
}

// ---------------------------------------------------------------------------------------------
// Validated configs: what the commands and the library read.

/// What every `pipeline::Session` needs: the interpreter, the sandbox, whether to capture real
/// inputs from the repo's tests, and the bar for "faster".
#[derive(Debug, Clone, Serialize)]
pub struct SessionConfig {
    /// Where the repository is (a folder inside it); the journal key has its canonical root.
    #[serde(skip)]
    pub repo: PathBuf,
    pub python: Option<PathBuf>,
    pub sandbox: SandboxArgs,
    /// Run the repo's tests once to capture real calls of the functions (`--no-capture` off).
    pub capture: bool,
    pub min_speedup: f64,
    /// Accept on the largest generated size even where the rewrite is slower at the captured
    /// call sizes (`--accept-at-scale`; eval always, as it scores the spec's own sizes).
    pub accept_at_scale: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RewriteConfig {
    pub session: SessionConfig,
    /// The `--function` globs as given (the compiled set is `filter`).
    pub functions: Vec<String>,
    #[serde(skip)]
    pub filter: Option<GlobSet>,
    pub max_functions: Option<usize>,
    /// `--min-speedup` was given (it then overrides `[tool.aiaccel] min_speedup`).
    #[serde(skip)]
    pub min_speedup_given: bool,
    pub changed_since: Option<String>,
    /// (I, N): shard I of N, 1-based.
    pub shard: Option<(u64, u64)>,
    pub dry_run: bool,
    /// `--strategies`: over `[tool.aiaccel] strategies` when given.
    pub strategies: Vec<crate::propose::Strategy>,
    pub llm: LlmArgs,
    /// Output format only.
    #[serde(skip)]
    pub json: bool,
    #[serde(skip)]
    pub html: Option<PathBuf>,
    /// Not part of the journal key, or no run could ever be resumed.
    #[serde(skip)]
    pub resume: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckConfig {
    pub session: SessionConfig,
    /// FILE, relative to the current directory, and the function's qualname.
    pub file: String,
    pub qualname: String,
    pub candidate: PathBuf,
    pub bench: bool,
    pub reorders_sums: bool,
    #[serde(skip)]
    pub json: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyBranchConfig {
    pub session: SessionConfig,
    pub branch: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalConfig {
    pub session: SessionConfig,
    pub corpus: PathBuf,
    /// The configurations to run, `--no-llm` applied.
    pub configs: Vec<String>,
    pub sizes: Vec<String>,
    pub only: Vec<String>,
    pub llm: LlmArgs,
    pub json: Option<PathBuf>,
    pub compare: Option<PathBuf>,
}

fn check_min_speedup(x: f64) -> Result<f64> {
    if !x.is_finite() || x < 0.0 {
        bail!("--min-speedup {x} is not a speedup\nhint: pass a ratio such as 1.2 (1.0 accepts any rewrite that is not slower)");
    }
    Ok(x)
}

fn build_filter(globs: &[String]) -> Result<Option<GlobSet>> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(Glob::new(g).with_context(|| format!("invalid --function glob {g:?}"))?);
    }
    Ok(Some(b.build()?))
}

impl RewriteArgs {
    pub fn config(self) -> Result<RewriteConfig> {
        Ok(RewriteConfig {
            min_speedup_given: self.min_speedup.is_some(),
            session: SessionConfig { repo: self.path, python: self.py.python, sandbox: self.sandbox, capture: !self.no_capture, min_speedup: check_min_speedup(self.min_speedup.unwrap_or(1.2))?, accept_at_scale: self.accept_at_scale },
            filter: build_filter(&self.functions)?,
            functions: self.functions,
            max_functions: self.max_functions,
            changed_since: self.changed_since,
            shard: self.shard.as_deref().map(parse_shard).transpose()?,
            dry_run: self.dry_run,
            strategies: self.strategies,
            llm: self.llm,
            json: self.json,
            html: self.html,
            resume: self.resume,
        })
    }
}

/// `numba-parallel` -> the strategy, or the names there are.
fn parse_strategy(s: &str) -> std::result::Result<crate::propose::Strategy, String> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_string())).map_err(|_| format!("{s:?} is not a strategy: numba, numba-parallel, vectorize, cupy, parallel"))
}

/// `2/8` -> (2, 8).
pub fn parse_shard(s: &str) -> Result<(u64, u64)> {
    let parsed = s.split_once('/').and_then(|(i, n)| Some((i.trim().parse::<u64>().ok()?, n.trim().parse::<u64>().ok()?)));
    match parsed {
        Some((i, n)) if n >= 1 && (1..=n).contains(&i) => Ok((i, n)),
        _ => bail!("--shard {s:?} is not I/N with 1 <= I <= N\nhint: e.g. `--shard 1/4` ... `--shard 4/4` on four machines"),
    }
}

impl CheckArgs {
    pub fn config(self) -> Result<CheckConfig> {
        let Some((file, qualname)) = self.target.rsplit_once("::") else {
            bail!("expected FILE::FUNCTION, got {:?}\nhint: e.g. `aiaccel check pkg/signals.py::moving_average --candidate new.py`", self.target);
        };
        let cwd = std::env::current_dir()?;
        Ok(CheckConfig {
            file: file.to_string(),
            qualname: qualname.to_string(),
            session: SessionConfig { repo: cwd, python: self.py.python, sandbox: self.sandbox, capture: !self.no_capture, min_speedup: check_min_speedup(self.min_speedup)?, accept_at_scale: false },
            candidate: self.candidate,
            bench: !self.no_bench,
            reorders_sums: self.reorders_sums,
            json: self.json,
        })
    }
}

impl VerifyBranchArgs {
    pub fn config(self) -> Result<VerifyBranchConfig> {
        let cwd = std::env::current_dir()?;
        // a replay captures nothing (the note carries the inputs) and times nothing
        Ok(VerifyBranchConfig { session: SessionConfig { repo: cwd, python: self.py.python, sandbox: self.sandbox, capture: false, min_speedup: 1.2, accept_at_scale: false }, branch: self.branch })
    }
}

impl EvalArgs {
    pub fn config(self) -> Result<EvalConfig> {
        let mut configs = self.configs;
        if self.llm.no_llm {
            configs.retain(|c| c != "llm" && c != "full");
        }
        for c in &configs {
            if !crate::eval::CONFIGS.contains(&c.as_str()) {
                bail!("unknown configuration {c:?}\nhint: choose from {}", crate::eval::CONFIGS.join(", "));
            }
        }
        for s in &self.sizes {
            if !["small", "medium", "large"].contains(&s.as_str()) {
                bail!("unknown size {s:?}\nhint: --sizes takes small, medium and large");
            }
        }
        Ok(EvalConfig {
            // the corpus's tests call each function on small inputs; the eval times the spec's
            // own sizes and scores those, so acceptance is at scale here
            session: SessionConfig { repo: self.corpus.join("src"), python: self.py.python, sandbox: self.sandbox, capture: true, min_speedup: check_min_speedup(self.min_speedup)?, accept_at_scale: true },
            corpus: self.corpus,
            configs,
            sizes: self.sizes,
            only: self.only,
            llm: self.llm,
            json: self.json,
            compare: self.compare,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Cli, Command};
    use clap::Parser;

    fn key(args: &[&str]) -> String {
        let mut argv = vec!["aiaccel", "rewrite", "."];
        argv.extend_from_slice(args);
        let Command::Rewrite(a) = Cli::try_parse_from(argv).unwrap().command else { unreachable!() };
        crate::journal::run_key(&a.config().unwrap(), "/repo", "abc", &["m:f".to_string()])
    }

    #[test]
    fn llm_budget_reads_seconds_minutes_and_hours() {
        use std::time::Duration;
        assert_eq!(super::parse_budget("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(super::parse_budget("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(super::parse_budget("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(super::parse_budget("45"), Ok(Duration::from_secs(45)));
        assert!(super::parse_budget("10d").unwrap_err().contains("unit"));
        assert!(super::parse_budget("0m").is_err() && super::parse_budget("soon").is_err());
    }

    #[test]
    fn every_flag_that_changes_results_changes_the_journal_key() {
        let base = key(&[]);
        for flags in [
            &["--llm-samples", "2"][..],
            &["--llm-budget", "10m"],
            &["--llm-whole-function"],
            &["--llm-model", "other"],
            &["--llm-url", "http://localhost:1/v1"],
            &["--model", "m.gguf"],
            &["--llm-functions", "1"],
            &["--no-llm"],
            &["--no-capture"],
            &["--dry-run"],
            &["--min-speedup", "2"],
            &["--timeout", "5"],
            &["--memory-limit", "100"],
            &["--cpu-limit", "5"],
            &["--file-limit", "5"],
            &["--no-network-isolation"],
            &["--unsafe-no-sandbox"],
            &["--python", "/x/python"],
        ] {
            assert_ne!(key(flags), base, "{flags:?} does not change the key");
        }
        // output format and --resume itself do not: a resumed run must find its journal
        assert_eq!(key(&["--json"]), base);
        assert_eq!(key(&["--resume"]), base);
    }

    #[test]
    fn a_negative_or_nan_min_speedup_is_refused() {
        for bad in ["--min-speedup=-1", "--min-speedup=NaN"] {
            let Command::Rewrite(a) = Cli::try_parse_from(["aiaccel", "rewrite", ".", bad]).unwrap().command else { unreachable!() };
            let err = a.config().unwrap_err().to_string();
            assert!(err.contains("--min-speedup") && err.contains("hint:"), "{bad}: {err}");
        }
    }
}

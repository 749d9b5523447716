//! Command-line arguments (clap) -> one validated `Config` per command.

use clap::{Args, Parser, Subcommand};
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

#[derive(Args, Debug, Clone)]
pub struct PythonArgs {
    /// Python interpreter that runs the repo's code (default: $AIACCEL_PYTHON, the repo's .venv, python3).
    #[arg(long)]
    pub python: Option<PathBuf>,
}

/// Limits of the sandbox every run of repo or candidate code gets.
#[derive(Args, Debug, Clone)]
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
    /// Rules only: do not run the local code model.
    #[arg(long)]
    pub no_llm: bool,
    /// Only functions whose name, `module:name` or `path::name` matches (glob; repeatable).
    #[arg(long = "function", short = 'f')]
    pub functions: Vec<String>,
    /// Accept a rewrite only when it is at least this many times faster.
    #[arg(long, default_value_t = 1.2)]
    pub min_speedup: f64,
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
    /// A local GGUF model file (qwen2 architecture), or the name of a shipped model
    /// (`aiaccel model list`), instead of the default model.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Try the local model on at most this many functions (those the rules did not accelerate,
    /// highest ranked first): generation on a CPU takes about a minute per candidate.
    #[arg(long, default_value_t = 5)]
    pub llm_functions: usize,
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
    #[command(flatten)]
    pub py: PythonArgs,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
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
pub struct EvalArgs {
    /// The corpus: a folder with specs/ and src/.
    #[arg(default_value = "eval/corpus")]
    pub corpus: PathBuf,
    /// Configurations to compare, comma-separated: naive-njit, rules, llm, full.
    #[arg(long, value_delimiter = ',', default_value = "naive-njit,rules,full")]
    pub configs: Vec<String>,
    /// Rules and baseline only (drops llm and full).
    #[arg(long)]
    pub no_llm: bool,
    /// Sizes to time accepted rewrites at, comma-separated: small, medium, large.
    #[arg(long, value_delimiter = ',', default_value = "small,medium")]
    pub sizes: Vec<String>,
    /// Only specs whose name contains one of these (repeatable).
    #[arg(long)]
    pub only: Vec<String>,
    /// A local GGUF model file (qwen2 architecture), or the name of a shipped model
    /// (`aiaccel model list`), instead of the default model.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// The model runs on at most this many functions per configuration.
    #[arg(long, default_value_t = 5)]
    pub llm_functions: usize,
    /// The model writes whole functions, not kernels wrapped by aiaccel's adapter.
    #[arg(long)]
    pub llm_whole_function: bool,
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

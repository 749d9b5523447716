//! Finding the Python that runs the user's code, and running embedded scripts in it.
//!
//! Order: `--python`, `$AIACCEL_PYTHON`, the repo's `.venv`, `python3`. When the chosen one lacks
//! numpy or numba, aiaccel makes a managed venv in its cache dir (with the system site-packages
//! visible, so the repo's own dependencies still import) and installs them from the registry.
//!
//! Scripts run as `python -I -B script.py` with one JSON request on stdin and one tagged JSON reply
//! on stdout, in their own process group, under a wall-clock timeout that kills the whole group.
//! This module never installs anything into the user's interpreter.

use crate::paths;
use crate::printer::Printer;
use anyhow::{anyhow, bail, Context, Result};
use std::collections::BTreeMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// The harness: Python split by concern, joined here into the one script every run executes.
pub const HARNESS: &str = concat!(
    include_str!("verify/harness/head.py"),
    include_str!("verify/harness/sandbox.py"),
    include_str!("verify/harness/loading.py"),
    include_str!("verify/harness/inputs.py"),
    include_str!("verify/harness/compare.py"),
    include_str!("verify/harness/verify.py"),
    include_str!("verify/harness/races.py"),
    include_str!("bench/harness_bench.py"),
    include_str!("eval/harness_eval.py"),
    include_str!("verify/harness/repo.py"),
    include_str!("verify/harness/main.py"),
);
const TAG: &str = "@@AIACCEL@@";

/// The interpreter aiaccel runs originals and candidates with.
#[derive(Debug, Clone)]
pub struct Interpreter {
    pub path: PathBuf,
    pub version: String,
    pub numpy: Option<String>,
    pub numba: Option<String>,
    pub pytest: Option<String>,
    /// Optional packages a strategy needs (`OPTIONAL`), with their versions where installed.
    pub optional: BTreeMap<String, Option<String>>,
    /// Where it came from, for messages: "--python", "$AIACCEL_PYTHON", ".venv", "python3", "managed venv".
    pub source: String,
    /// `gpu_device`'s answer, asked once (CuPy's import and CUDA's start take seconds).
    pub gpu: std::sync::OnceLock<std::result::Result<String, String>>,
}

/// Packages only some rewrites need, and what for (`doctor` lists them; a candidate that needs
/// one the interpreter lacks is refused with this reason, or the managed venv installs it).
pub const OPTIONAL: &[(&str, &str)] = &[
    ("scipy", "Numba kernels calling np.linalg, np.dot or `@` (Numba runs them through SciPy's BLAS and LAPACK)"),
    ("cupy", "the CuPy strategy, on a machine with an NVIDIA GPU"),
];

#[derive(Deserialize)]
struct Probe {
    python: String,
    numpy: Option<String>,
    numba: Option<String>,
    pytest: Option<String>,
    #[serde(default)]
    optional: BTreeMap<String, Option<String>>,
}

/// What came back from a script run. A timeout is an outcome, not an error.
#[derive(Debug)]
pub enum ScriptOutcome {
    Reply(Value),
    TimedOut { after: Duration, stderr_tail: String },
    /// The process died without a reply (segfault, killed, os._exit).
    NoReply { status: String, stderr_tail: String },
}

/// Settings for one script run.
#[derive(Debug, Clone)]
pub struct RunSpec {
    pub cwd: PathBuf,
    pub timeout: Duration,
    pub env: Vec<(String, String)>,
    /// Limits and refusals for untrusted code; `None` for aiaccel's own probes.
    pub sandbox: Option<Sandbox>,
}

/// The sandbox every run of candidate or repo code gets (issue #6). The kernel enforces the
/// rlimits and the network namespace; the harness's audit hook refuses sockets, processes,
/// signals to other processes and writes outside `write_roots`, whatever the namespace allows.
#[derive(Debug, Clone)]
pub struct Sandbox {
    pub limits: Limits,
    /// The only places code may write to (the temp copy of the snapshot, its HOME and TMPDIR).
    pub write_roots: Vec<PathBuf>,
    /// A fresh HOME (and TMPDIR below it) inside the temp dir.
    pub home: PathBuf,
}

/// Resource limits; each is a setting (`[tool.aiaccel.sandbox]` or the flags) and shows in the
/// report when it fired.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Limits {
    /// RLIMIT_AS: address space in bytes. Numba and OpenBLAS reserve a lot of virtual memory, so
    /// this is generous; it stops a runaway allocation, not a big working set.
    pub memory_bytes: u64,
    /// RLIMIT_CPU in seconds (a backstop: the wall-clock timeout normally fires first).
    pub cpu_seconds: u64,
    /// RLIMIT_FSIZE: the largest file a run may write.
    pub file_bytes: u64,
    /// RLIMIT_NPROC (processes and threads of the user; root is exempt, the audit hook is not).
    pub processes: u64,
    /// Most bytes read back from the child's stdout and stderr; the rest is discarded.
    pub output_bytes: usize,
    /// Run in a new network namespace (only a loopback that is down) where the kernel allows it.
    pub isolate_network: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: 8 << 30,
            cpu_seconds: 600,
            file_bytes: 256 << 20,
            processes: 4096,
            output_bytes: 16 << 20,
            isolate_network: true,
        }
    }
}

/// Environment variables that never reach sandboxed code: anything that looks like a secret.
pub fn is_secret_env(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    const WORDS: &[&str] = &["TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "API_KEY", "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "AUTH", "COOKIE", "SESSION"];
    const PREFIXES: &[&str] = &["AWS_", "AZURE_", "GCP_", "GOOGLE_", "GITHUB_", "GH_", "GITLAB_", "HF_", "HUGGING", "OPENAI_", "ANTHROPIC_", "SSH_", "GPG_", "NPM_", "PYPI_", "TWINE_", "DOCKER_", "KUBE", "VAULT_", "CI_JOB_"];
    WORDS.iter().any(|w| n.contains(w)) || PREFIXES.iter().any(|p| n.starts_with(p)) || n == "NETRC" || n.ends_with("_KEY")
}

impl Interpreter {
    pub fn probe(path: &Path, source: &str) -> Result<Interpreter> {
        let tmp = tempfile::tempdir()?;
        let spec = RunSpec { cwd: tmp.path().to_path_buf(), timeout: Duration::from_secs(60), env: vec![], sandbox: None };
        let fake = Interpreter {
            path: path.to_path_buf(),
            version: String::new(),
            numpy: None,
            numba: None,
            pytest: None,
            optional: BTreeMap::new(),
            source: source.to_string(),
            gpu: Default::default(),
        };
        match fake.run_harness(&crate::protocol::Request::Probe, &spec)? {
            ScriptOutcome::Reply(v) => {
                let p: Probe = serde_json::from_value(v).context("unexpected probe reply")?;
                Ok(Interpreter { version: p.python, numpy: p.numpy, numba: p.numba, pytest: p.pytest, optional: p.optional, ..fake })
            }
            ScriptOutcome::TimedOut { .. } => bail!("{} did not answer within 60 s", path.display()),
            ScriptOutcome::NoReply { status, stderr_tail } => {
                bail!("{} failed to run ({status}): {}", path.display(), stderr_tail.trim())
            }
        }
    }

    /// Whether `package` (one of `OPTIONAL`) is there: found, or installed now when this is
    /// aiaccel's managed venv. Otherwise the reason a candidate needing it cannot run, with the
    /// command that would install it.
    pub fn ensure_optional(&self, package: &str) -> std::result::Result<(), String> {
        if self.optional.get(package).is_some_and(|v| v.is_some()) {
            return Ok(());
        }
        let what = OPTIONAL.iter().find(|(n, _)| *n == package).map(|(_, w)| *w).unwrap_or("this rewrite");
        if self.source == "managed venv" {
            let out = std::process::Command::new(&self.path)
                .args(["-m", "pip", "install", "--disable-pip-version-check", "-q", package])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .output();
            return match out {
                Ok(o) if o.status.success() => Ok(()),
                Ok(o) => Err(format!("{package} is needed for {what}, and pip could not install it into the managed venv: {}", tail(&String::from_utf8_lossy(&o.stderr), 400).trim())),
                Err(e) => Err(format!("{package} is needed for {what}, and pip could not run: {e}")),
            };
        }
        Err(format!(
            "{package} is needed for {what}, and it is not installed in {} (from {})\nhint: `{} -m pip install {package}`",
            self.path.display(),
            self.source,
            self.path.display()
        ))
    }

    /// The GPU a CuPy rewrite would run on: CuPy imports in this interpreter and sees a CUDA
    /// device (its name and memory), or why not. `AIACCEL_GPU=0` says none, as the rewrites'
    /// own check does.
    pub fn gpu_device(&self) -> std::result::Result<String, String> {
        self.gpu.get_or_init(|| self.ask_gpu()).clone()
    }

    fn ask_gpu(&self) -> std::result::Result<String, String> {
        if std::env::var("AIACCEL_GPU").as_deref() == Ok("0") {
            return Err("AIACCEL_GPU=0 keeps every rewrite on the CPU".into());
        }
        if !self.optional.get("cupy").is_some_and(|v| v.is_some()) {
            return Err(format!("cupy is not installed in {} (a GPU's CUDA version picks the wheel: `pip install cupy-cuda12x`)", self.path.display()));
        }
        let probe = "import cupy\nn = cupy.cuda.runtime.getDeviceCount()\np = cupy.cuda.runtime.getDeviceProperties(0)\nname = p['name'].decode() if isinstance(p['name'], bytes) else p['name']\nprint('%d x %s, %.1f GiB' % (n, name, p['totalGlobalMem'] / 2**30))\n";
        let out = std::process::Command::new(&self.path).args(["-c", probe]).stdin(Stdio::null()).output().map_err(|e| format!("could not run {}: {e}", self.path.display()))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            let err = String::from_utf8_lossy(&out.stderr);
            Err(format!("cupy imports but sees no CUDA device: {}", tail(err.trim(), 200).lines().last().unwrap_or("").trim()))
        }
    }

    pub fn has_accel_stack(&self) -> bool {
        self.numpy.is_some() && self.numba.is_some()
    }

    /// Run the embedded harness with a JSON request.
    pub fn run_harness(&self, request: &crate::protocol::Request, spec: &RunSpec) -> Result<ScriptOutcome> {
        let script = spec.cwd.join(".aiaccel_harness.py");
        std::fs::write(&script, HARNESS).with_context(|| format!("writing {}", script.display()))?;
        let out = run_process(&self.path, &["-I", "-B"], &script, request, spec);
        let _ = std::fs::remove_file(&script);
        out
    }
}

fn run_process(python: &Path, flags: &[&str], script: &Path, request: &crate::protocol::Request, spec: &RunSpec) -> Result<ScriptOutcome> {
    // A per-run nonce in the reply tag: code under test that prints a forged reply is not believed.
    let nonce = format!("{:016x}", rand_u64());
    let tag = format!("{TAG}{nonce}@@");
    let sandbox = spec.sandbox.as_ref().map(|sb| crate::protocol::SandboxSpec { write_roots: &sb.write_roots, limits: &sb.limits });
    let request = serde_json::to_value(crate::protocol::Envelope { request, tag: &tag, sandbox })?;
    let output_cap = spec.sandbox.as_ref().map(|s| s.limits.output_bytes).unwrap_or(64 << 20);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async {
        let mut cmd = tokio::process::Command::new(python);
        cmd.args(flags)
            .arg(script)
            .current_dir(&spec.cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        if let Some(sb) = &spec.sandbox {
            // scrubbed environment: no secrets, a fresh HOME and TMPDIR
            for (k, _) in std::env::vars_os() {
                if let Some(k) = k.to_str() {
                    if is_secret_env(k) {
                        cmd.env_remove(k);
                    }
                }
            }
            let tmp = sb.home.join("tmp");
            std::fs::create_dir_all(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
            cmd.env("HOME", &sb.home).env("TMPDIR", &tmp).env("TEMP", &tmp).env("TMP", &tmp);
            cmd.env_remove("XDG_CONFIG_HOME").env_remove("XDG_CACHE_HOME").env_remove("XDG_DATA_HOME");
            let limits = sb.limits;
            // SAFETY: between fork and exec only async-signal-safe calls (setrlimit, unshare).
            unsafe {
                cmd.pre_exec(move || {
                    apply_limits(&limits);
                    Ok(())
                });
            }
        }
        // if aiaccel dies (even by SIGKILL), every child dies with it: no orphaned candidate
        // keeps running without its wall-clock limit
        // SAFETY: prctl is async-signal-safe.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0);
                Ok(())
            });
        }
        for (k, v) in &spec.env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .spawn()
            .with_context(|| format!("could not start {}", python.display()))?;
        let pid = child.id().map(|p| p as i32);
        let body = serde_json::to_vec(&request)?;
        let mut stdin = child.stdin.take().ok_or_else(|| anyhow!("no stdin"))?;
        let stdout = child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
        let stderr = child.stderr.take().ok_or_else(|| anyhow!("no stderr"))?;
        // The request is small; write it and close stdin so the script can read to EOF.
        tokio::io::AsyncWriteExt::write_all(&mut stdin, &body).await.ok();
        drop(stdin);
        let started = Instant::now();
        let out_task = tokio::spawn(read_bounded(stdout, output_cap, Some(tag.clone())));
        let err_task = tokio::spawn(read_bounded(stderr, output_cap, None));
        let waited = tokio::time::timeout(spec.timeout, child.wait()).await;
        // Whatever happened, nothing of the group may outlive the call.
        if let Some(pid) = pid {
            unsafe {
                libc::killpg(pid, libc::SIGKILL);
            }
        }
        let status = match waited {
            Err(_) => {
                let _ = child.kill().await;
                None
            }
            Ok(Err(e)) => return Err(anyhow!(e).context("waiting for the Python process")),
            Ok(Ok(s)) => Some(s),
        };
        // the group is dead, so the pipes close; a grandchild that escaped the group cannot hold us
        let grace = Duration::from_secs(5);
        let out = tokio::time::timeout(grace, out_task).await.ok().and_then(|r| r.ok()).unwrap_or_default();
        let err = tokio::time::timeout(grace, err_task).await.ok().and_then(|r| r.ok()).unwrap_or_default();
        let mut stderr_tail = tail(&String::from_utf8_lossy(&err.tail), 2000);
        if out.discarded + err.discarded > 0 {
            stderr_tail.push_str(&format!("\n[output limit: {} bytes of output discarded]", out.discarded + err.discarded));
        }
        let Some(status) = status else {
            return Ok(ScriptOutcome::TimedOut { after: started.elapsed(), stderr_tail });
        };
        match out.reply {
            Some(json) => Ok(ScriptOutcome::Reply(serde_json::from_str(&json).context("the harness replied with malformed JSON")?)),
            None => Ok(ScriptOutcome::NoReply { status: describe_status(&status), stderr_tail }),
        }
    })
}

/// What came back on one pipe: the last tagged reply line (stdout) and a bounded tail.
#[derive(Default)]
struct Collected {
    reply: Option<String>,
    tail: Vec<u8>,
    discarded: usize,
}

/// Read a pipe to EOF keeping at most `cap` bytes: a candidate that prints 100 MB costs us a
/// bounded buffer, not 100 MB. On stdout, lines starting with `tag` are the reply.
async fn read_bounded<R: tokio::io::AsyncRead + Unpin>(mut r: R, cap: usize, tag: Option<String>) -> Collected {
    use tokio::io::AsyncReadExt;
    let mut c = Collected::default();
    let mut line: Vec<u8> = Vec::new();
    let mut line_overflow = false;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match r.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for &b in &buf[..n] {
            if tag.is_some() {
                if b == b'\n' {
                    if !line_overflow {
                        if let Some(rest) = line.strip_prefix(tag.as_deref().unwrap().as_bytes()) {
                            c.reply = Some(String::from_utf8_lossy(rest).into_owned());
                        }
                    }
                    line.clear();
                    line_overflow = false;
                } else if line.len() < cap {
                    line.push(b);
                } else {
                    line_overflow = true;
                }
            }
        }
        c.tail.extend_from_slice(&buf[..n]);
        if c.tail.len() > 2 * 8192 {
            let drop_n = c.tail.len() - 8192;
            c.tail.drain(..drop_n);
        }
        c.discarded = c.discarded.saturating_add(n);
    }
    if line_overflow {
        c.reply = None;
    }
    // `discarded` counts bytes beyond the cap only
    c.discarded = c.discarded.saturating_sub(cap);
    c
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    h.write_u32(std::process::id());
    h.finish()
}

/// Runs in the forked child before exec: rlimits, then a private network namespace.
fn apply_limits(l: &Limits) {
    unsafe fn set(res: libc::__rlimit_resource_t, v: u64) {
        let cur = {
            let mut r = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            libc::getrlimit(res, &mut r);
            r
        };
        // never raise a limit the user already lowered
        let v = if cur.rlim_max != libc::RLIM_INFINITY { v.min(cur.rlim_max) } else { v };
        let r = libc::rlimit { rlim_cur: v, rlim_max: v };
        libc::setrlimit(res, &r);
    }
    unsafe {
        set(libc::RLIMIT_AS, l.memory_bytes);
        set(libc::RLIMIT_CPU, l.cpu_seconds);
        set(libc::RLIMIT_FSIZE, l.file_bytes);
        set(libc::RLIMIT_NPROC, l.processes);
        set(libc::RLIMIT_CORE, 0);
        if l.isolate_network {
            // fails without CAP_SYS_ADMIN; the audit hook still refuses sockets then
            libc::unshare(libc::CLONE_NEWNET);
        }
    }
}

fn describe_status(status: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(c), _) => format!("exit code {c}"),
        (None, Some(libc::SIGSEGV)) => "killed by SIGSEGV (segmentation fault)".into(),
        (None, Some(libc::SIGXCPU)) => "killed by SIGXCPU (CPU-time limit)".into(),
        (None, Some(libc::SIGXFSZ)) => "killed by SIGXFSZ (file-size limit)".into(),
        (None, Some(s)) => format!("killed by signal {s}"),
        _ => "unknown status".into(),
    }
}

/// Which sandbox limit, if any, explains a process that died without a reply.
pub fn limit_from_status(status: &str, stderr_tail: &str) -> Option<&'static str> {
    if status.contains("CPU-time limit") {
        Some("cpu_time")
    } else if status.contains("file-size limit") {
        Some("file_size")
    } else if stderr_tail.contains("[output limit:") {
        Some("output")
    } else if stderr_tail.contains("MemoryError") || stderr_tail.contains("std::bad_alloc") {
        Some("memory")
    } else {
        None
    }
}

pub fn tail(s: &str, n: usize) -> String {
    if s.len() <= n {
        return s.to_string();
    }
    let mut start = s.len() - n;
    while !s.is_char_boundary(start) {
        start += 1;
    }
    format!("...{}", &s[start..])
}

/// Pick the interpreter: `--python`, `$AIACCEL_PYTHON`, `<repo>/.venv`, `python3`; then make sure
/// numpy and numba import in it, or fall back to the managed venv.
pub fn resolve(explicit: Option<&Path>, repo_root: &Path, printer: &Printer) -> Result<Interpreter> {
    let (path, source) = if let Some(p) = explicit {
        (p.to_path_buf(), "--python".to_string())
    } else if let Some(p) = std::env::var_os("AIACCEL_PYTHON").filter(|p| !p.is_empty()) {
        (PathBuf::from(p), "$AIACCEL_PYTHON".to_string())
    } else if repo_root.join(".venv/bin/python").exists() {
        (repo_root.join(".venv/bin/python"), ".venv".to_string())
    } else {
        (PathBuf::from("python3"), "python3".to_string())
    };
    let interp = match Interpreter::probe(&path, &source) {
        Ok(i) => i,
        Err(e) => {
            // the hint goes into the headline's message, so that it prints after the cause
            let hint = if source == "--python" || source == "$AIACCEL_PYTHON" { "pass a working interpreter with --python PATH" } else { "install python3, or pass --python PATH" };
            return Err(e.context(format!("the Python interpreter from {source} ({}) does not work\nhint: {hint}", path.display())));
        }
    };
    if interp.has_accel_stack() {
        return Ok(interp);
    }
    let missing: Vec<&str> = [("numpy", &interp.numpy), ("numba", &interp.numba)]
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(n, _)| *n)
        .collect();
    if source == "--python" || source == "$AIACCEL_PYTHON" {
        bail!(
            "{} is not installed in {} (from {source})\nhint: `{} -m pip install numpy numba`, or leave out {source} and aiaccel makes its own venv",
            missing.join(" and "),
            interp.path.display(),
            interp.path.display()
        );
    }
    printer.step(format!(
        "{} has no {}; using aiaccel's managed venv",
        interp.path.display(),
        missing.join(" or ")
    ));
    managed_venv(&interp, printer)
}

/// The managed venv: `<cache>/venv-<python version>`, system site-packages visible.
pub fn managed_venv(base: &Interpreter, printer: &Printer) -> Result<Interpreter> {
    let dir = paths::cache_dir().join(format!("venv-py{}", base.version));
    let py = dir.join("bin/python");
    let stamp = dir.join(".aiaccel-ready");
    if stamp.exists() {
        if let Ok(i) = Interpreter::probe(&py, "managed venv") {
            if i.has_accel_stack() {
                return Ok(i);
            }
        }
    }
    std::fs::create_dir_all(dir.parent().unwrap())
        .with_context(|| format!("creating the cache dir {}", dir.parent().unwrap().display()))?;
    let pb = printer.spinner(&format!("creating a venv with numpy, numba and pytest in {}", dir.display()));
    let status = std::process::Command::new(&base.path)
        .args(["-m", "venv", "--system-site-packages", "--clear"])
        .arg(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("running {} -m venv", base.path.display()))?;
    if !status.status.success() {
        pb.finish_and_clear();
        bail!(
            "could not create a venv at {}: {}\nhint: install the venv module (Debian: apt-get install python3-venv) or pass --python with numpy and numba installed",
            dir.display(),
            String::from_utf8_lossy(&status.stderr).trim()
        );
    }
    pb.set_message("installing numpy, numba and pytest from the package registry");
    let out = std::process::Command::new(&py)
        .args(["-m", "pip", "install", "--disable-pip-version-check", "-q", "numpy", "numba", "pytest"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .context("running pip")?;
    pb.finish_and_clear();
    if !out.status.success() {
        bail!(
            "pip could not install numpy and numba into {}:\n{}\nhint: check that the package registry is reachable, or pass --python with numpy and numba installed",
            dir.display(),
            tail(&String::from_utf8_lossy(&out.stderr), 1500).trim()
        );
    }
    let interp = Interpreter::probe(&py, "managed venv")?;
    if !interp.has_accel_stack() {
        bail!("the managed venv at {} still lacks numpy or numba\nhint: delete it and retry", dir.display());
    }
    std::fs::File::create(&stamp)?.write_all(b"ok\n")?;
    printer.step(format!(
        "managed venv ready: numpy {}, numba {}",
        interp.numpy.as_deref().unwrap_or("?"),
        interp.numba.as_deref().unwrap_or("?")
    ));
    Ok(interp)
}

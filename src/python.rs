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
use serde::Deserialize;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

pub const HARNESS: &str = include_str!("verify/harness.py");
const TAG: &str = "@@AIACCEL@@";

/// The interpreter aiaccel runs originals and candidates with.
#[derive(Debug, Clone)]
pub struct Interpreter {
    pub path: PathBuf,
    pub version: String,
    pub numpy: Option<String>,
    pub numba: Option<String>,
    pub pytest: Option<String>,
    /// Where it came from, for messages: "--python", "$AIACCEL_PYTHON", ".venv", "python3", "managed venv".
    pub source: String,
}

#[derive(Deserialize)]
struct Probe {
    python: String,
    numpy: Option<String>,
    numba: Option<String>,
    pytest: Option<String>,
}

/// What came back from a script run. A timeout is an outcome, not an error.
#[derive(Debug)]
pub enum ScriptOutcome {
    Reply(Value),
    TimedOut { after: Duration, stderr_tail: String },
    /// The process died without a reply (segfault, killed, os._exit).
    NoReply { status: String, stderr_tail: String },
}

/// Settings for one script run. Issue #6's sandbox wraps this.
#[derive(Debug, Clone)]
pub struct RunSpec {
    pub cwd: PathBuf,
    pub timeout: Duration,
    pub env: Vec<(String, String)>,
}

impl Interpreter {
    pub fn probe(path: &Path, source: &str) -> Result<Interpreter> {
        let tmp = tempfile::tempdir()?;
        let spec = RunSpec { cwd: tmp.path().to_path_buf(), timeout: Duration::from_secs(60), env: vec![] };
        let fake = Interpreter {
            path: path.to_path_buf(),
            version: String::new(),
            numpy: None,
            numba: None,
            pytest: None,
            source: source.to_string(),
        };
        match fake.run_harness(&serde_json::json!({"mode": "probe"}), &spec)? {
            ScriptOutcome::Reply(v) => {
                let p: Probe = serde_json::from_value(v).context("unexpected probe reply")?;
                Ok(Interpreter { version: p.python, numpy: p.numpy, numba: p.numba, pytest: p.pytest, ..fake })
            }
            ScriptOutcome::TimedOut { .. } => bail!("{} did not answer within 60 s", path.display()),
            ScriptOutcome::NoReply { status, stderr_tail } => {
                bail!("{} failed to run ({status}): {}", path.display(), stderr_tail.trim())
            }
        }
    }

    pub fn has_accel_stack(&self) -> bool {
        self.numpy.is_some() && self.numba.is_some()
    }

    /// Run the embedded harness with a JSON request.
    pub fn run_harness(&self, request: &Value, spec: &RunSpec) -> Result<ScriptOutcome> {
        let script = spec.cwd.join(".aiaccel_harness.py");
        std::fs::write(&script, HARNESS).with_context(|| format!("writing {}", script.display()))?;
        let out = run_process(&self.path, &["-I", "-B"], &script, request, spec);
        let _ = std::fs::remove_file(&script);
        out
    }
}

fn run_process(python: &Path, flags: &[&str], script: &Path, request: &Value, spec: &RunSpec) -> Result<ScriptOutcome> {
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
        for (k, v) in &spec.env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .spawn()
            .with_context(|| format!("could not start {}", python.display()))?;
        let pid = child.id().map(|p| p as i32);
        let body = serde_json::to_vec(request)?;
        let mut stdin = child.stdin.take().ok_or_else(|| anyhow!("no stdin"))?;
        // The request is small; write it and close stdin so the script can read to EOF.
        tokio::io::AsyncWriteExt::write_all(&mut stdin, &body).await.ok();
        drop(stdin);
        let started = Instant::now();
        let waited = tokio::time::timeout(spec.timeout, child.wait_with_output()).await;
        // Whatever happened, nothing of the group may outlive the call.
        if let Some(pid) = pid {
            unsafe {
                libc::killpg(pid, libc::SIGKILL);
            }
        }
        match waited {
            Err(_) => Ok(ScriptOutcome::TimedOut { after: started.elapsed(), stderr_tail: String::new() }),
            Ok(Err(e)) => Err(anyhow!(e).context("waiting for the Python process")),
            Ok(Ok(output)) => {
                let stdout = String::from_utf8_lossy(&output.stdout);
                let stderr = String::from_utf8_lossy(&output.stderr);
                let tail = tail(&stderr, 2000);
                match stdout.lines().rev().find_map(|l| l.strip_prefix(TAG)) {
                    Some(json) => Ok(ScriptOutcome::Reply(
                        serde_json::from_str(json).context("the harness replied with malformed JSON")?,
                    )),
                    None => Ok(ScriptOutcome::NoReply { status: describe_status(&output.status), stderr_tail: tail }),
                }
            }
        }
    })
}

fn describe_status(status: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(c), _) => format!("exit code {c}"),
        (None, Some(libc::SIGSEGV)) => "killed by SIGSEGV (segmentation fault)".into(),
        (None, Some(s)) => format!("killed by signal {s}"),
        _ => "unknown status".into(),
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
    let interp = Interpreter::probe(&path, &source).with_context(|| {
        format!("the Python interpreter from {source} ({}) does not work", path.display())
    });
    let interp = match interp {
        Ok(i) => i,
        Err(e) if source == "--python" || source == "$AIACCEL_PYTHON" => {
            return Err(e.context("hint: pass a working interpreter with --python PATH"));
        }
        Err(e) => return Err(e.context("hint: install python3, or pass --python PATH")),
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

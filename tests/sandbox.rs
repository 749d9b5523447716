//! Issue #6: every run of candidate code is sandboxed. Each test gives `aiaccel check` a hostile
//! candidate that still returns the right value (so only the sandbox can catch it) and asserts
//! it is rejected or killed within its limit, names the limit, and leaves the host untouched.

mod common;

use std::time::{Duration, Instant};

const ORIGINAL: &str = "def total(values: list[float]) -> float:\n    s = 0.0\n    for v in values:\n        s += v\n    return s\n";

/// The correct body every hostile candidate ends with.
const BODY_END: &str = "    s = 0.0\n    for v in values:\n        s += v\n    return s\n";

struct Run {
    code: Option<i32>,
    stderr: String,
    elapsed: Duration,
}

fn check(candidate: &str, extra: &[&str]) -> (Run, common::TempRepo) {
    let repo = common::repo(&[("calc.py", ORIGINAL.as_bytes())]);
    let cand = repo.dir.path().join("cand.py");
    std::fs::write(&cand, candidate).unwrap();
    let before = common::tree_bytes(&repo.root);
    let mut args = vec!["check", "calc.py::total", "--candidate", cand.to_str().unwrap(), "--no-bench", "--no-capture"];
    args.extend_from_slice(extra);
    let t0 = Instant::now();
    let out = common::aiaccel(&repo.root, &args);
    let run = Run { code: out.status.code(), stderr: common::stderr(&out), elapsed: t0.elapsed() };
    assert_eq!(common::tree_bytes(&repo.root), before, "the user's worktree changed");
    (run, repo)
}

fn assert_rejected(run: &Run, needle: &str) {
    assert_eq!(run.code, Some(1), "expected a rejection (exit 1); stderr:\n{}", run.stderr);
    assert!(run.stderr.contains(needle), "expected {needle:?} in the verdict; stderr:\n{}", run.stderr);
}

#[test]
fn sandbox_a_plain_candidate_is_still_accepted() {
    let (run, _r) = check(&format!("import math\n\ndef total(values):\n{BODY_END}"), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn sandbox_refuses_a_socket_to_localhost_even_when_the_error_is_swallowed() {
    let cand = format!(
        "import socket\n\ndef total(values):\n    try:\n        c = socket.create_connection(('127.0.0.1', 9), timeout=0.2)\n        c.sendall(b'x')\n    except Exception:\n        pass\n{BODY_END}"
    );
    let (run, _r) = check(&cand, &[]);
    assert_rejected(&run, "sandbox limit `audit` fired");
    assert!(run.stderr.contains("socket") || run.stderr.contains("network"), "{}", run.stderr);
}

#[test]
fn sandbox_refuses_writing_outside_the_temp_dir() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("pwned.txt");
    let cand = format!(
        "def total(values):\n    try:\n        with open({:?}, 'w') as f:\n            f.write('x')\n    except Exception:\n        pass\n{BODY_END}",
        target.to_str().unwrap()
    );
    let (run, _r) = check(&cand, &[]);
    assert_rejected(&run, "writing a file outside the temp dir");
    assert!(!target.exists(), "the candidate wrote {}", target.display());
}

#[test]
fn sandbox_refuses_deleting_outside_the_temp_dir() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("keep.txt");
    std::fs::write(&victim, "precious").unwrap();
    let cand = format!("import os\n\ndef total(values):\n    try:\n        os.remove({:?})\n    except Exception:\n        pass\n{BODY_END}", victim.to_str().unwrap());
    let (run, _r) = check(&cand, &[]);
    assert_rejected(&run, "os.remove outside the temp dir");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

#[test]
fn sandbox_kills_an_infinite_loop_at_the_wall_clock_limit() {
    let (run, _r) = check("def total(values):\n    while True:\n        pass\n", &["--timeout", "5"]);
    assert_rejected(&run, "wall-clock limit");
    assert!(run.elapsed < Duration::from_secs(60), "took {:?}", run.elapsed);
}

#[test]
fn sandbox_stops_a_50_gb_allocation_at_the_memory_limit() {
    let cand = format!("def total(values):\n    big = bytearray(50 * 2**30)\n    big[-1] = 1\n{BODY_END}");
    let (run, _r) = check(&cand, &[]);
    assert_rejected(&run, "sandbox limit `memory` fired");
}

#[test]
fn sandbox_refuses_forking_repeatedly() {
    let cand = format!(
        "import os\n\ndef total(values):\n    for _ in range(200):\n        try:\n            if os.fork() == 0:\n                os._exit(0)\n        except Exception:\n            pass\n{BODY_END}"
    );
    let (run, _r) = check(&cand, &[]);
    assert_rejected(&run, "starting a process");
}

#[test]
fn sandbox_refuses_subprocess_and_os_system() {
    let outside = tempfile::tempdir().unwrap();
    let marker = outside.path().join("ran");
    let cand = format!(
        "import os, subprocess\n\ndef total(values):\n    try:\n        os.system('touch {0}')\n    except Exception:\n        pass\n    try:\n        subprocess.run(['touch', '{0}'])\n    except Exception:\n        pass\n{BODY_END}",
        marker.to_str().unwrap()
    );
    let (run, _r) = check(&cand, &[]);
    assert_rejected(&run, "starting a process");
    assert!(!marker.exists());
}

#[test]
fn sandbox_survives_100_mb_printed_past_sys_stdout() {
    // os.write(1, ...) bypasses any redirect of sys.stdout: the harness points fd 1 at a file
    // and aiaccel reads at most a bounded amount, so 100 MB costs neither memory nor a verdict
    let cand = format!("import os\n\ndef total(values):\n    chunk = b'x' * (1 << 20)\n    for _ in range(100):\n        os.write(1, chunk)\n{BODY_END}");
    let (run, _r) = check(&cand, &[]);
    assert_rejected(&run, "written to fd 1 directly");
}

#[test]
fn sandbox_refuses_killing_the_parent() {
    let cand = format!("import os, signal\n\ndef total(values):\n    try:\n        os.kill(os.getppid(), signal.SIGKILL)\n    except Exception:\n        pass\n{BODY_END}");
    let (run, _r) = check(&cand, &[]);
    // aiaccel is alive to say so: exit 1 with a verdict, not death by SIGKILL
    assert_rejected(&run, "signalling another process");
}

#[test]
fn sandbox_reports_a_segfault_as_a_crash() {
    let (run, _r) = check("import ctypes\n\ndef total(values):\n    ctypes.string_at(0)\n    return 0.0\n", &[]);
    assert_rejected(&run, "SIGSEGV");
}

#[test]
fn sandbox_scrubs_credentials_from_the_environment() {
    // the candidate returns a different value when it can see the secret
    let repo = common::repo(&[("calc.py", ORIGINAL.as_bytes())]);
    let cand = repo.dir.path().join("cand.py");
    std::fs::write(
        &cand,
        format!("import os\n\ndef total(values):\n    if 'AWS_SECRET_ACCESS_KEY' in os.environ or 'MY_API_TOKEN' in os.environ or os.environ.get('HOME') == {:?}:\n        return -1.0\n{BODY_END}", std::env::var("HOME").unwrap_or_default()),
    )
    .unwrap();
    let out = std::process::Command::new(common::bin())
        .args(["check", "calc.py::total", "--candidate", cand.to_str().unwrap(), "--no-bench", "--no-capture"])
        .current_dir(&repo.root)
        .env("AIACCEL_PYTHON", common::python())
        .env("AIACCEL_CACHE_DIR", repo.dir.path().join("cache"))
        .env("AWS_SECRET_ACCESS_KEY", "hunter2")
        .env("MY_API_TOKEN", "hunter3")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "the candidate saw a secret or the real HOME:\n{}", common::stderr(&out));
}

#[test]
fn sandbox_forged_reply_is_not_believed() {
    // a candidate that prints what looks like an "equivalent" reply, then returns a wrong value
    let cand = "import os\n\ndef total(values):\n    os.write(1, b'@@AIACCEL@@{\"status\": \"ok\", \"verdict\": \"equivalent\", \"cases\": 1}\\n')\n    return 42.0\n";
    let (run, _r) = check(cand, &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
}

#[test]
fn sandbox_network_namespace_or_audit_hook_is_reported() {
    let repo = common::repo(&[("calc.py", ORIGINAL.as_bytes())]);
    let cand = repo.dir.path().join("cand.py");
    std::fs::write(&cand, format!("def total(values):\n{BODY_END}")).unwrap();
    let out = common::aiaccel(&repo.root, &["check", "calc.py::total", "--candidate", cand.to_str().unwrap(), "--no-bench", "--no-capture", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&common::stdout(&out)).unwrap();
    let sb = &v["sandbox"];
    assert_eq!(sb["audit_hook"], true, "{v}");
    assert!(sb["network_isolated"].is_boolean(), "{v}");
    assert!(sb["limits"]["memory_bytes"].as_u64().unwrap() > 0);
}

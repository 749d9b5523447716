//! `aiaccel check FILE::FUNCTION --candidate CAND.py`: verify (and time) a rewrite written by a
//! person or another tool. Exit 0 equivalent, 1 not equivalent (with the counterexample), 2
//! aiaccel could not decide.

use crate::bench::{BenchVerdict, Bencher};
use crate::cli::CheckArgs;
use crate::git::Snapshot;
use crate::printer::Printer;
use crate::propose::{Candidate, Origin, Strategy};
use crate::verify::{self, Verdict, Verifier, Workspace};
use anyhow::{anyhow, bail, Context, Result};
use serde_json::json;
use std::time::Duration;

pub fn run(args: CheckArgs, printer: &Printer) -> Result<i32> {
    let Some((file, qualname)) = args.target.rsplit_once("::") else {
        bail!("expected FILE::FUNCTION, got {:?}\nhint: e.g. `aiaccel check pkg/signals.py::moving_average --candidate new.py`", args.target);
    };
    let cwd = std::env::current_dir()?;
    let snap = Snapshot::open(&cwd)?;
    let root = snap.root.canonicalize()?;
    let abs = cwd.join(file);
    let abs = abs.canonicalize().unwrap_or(abs);
    let rel = abs
        .strip_prefix(&root)
        .map_err(|_| anyhow!("{file} is outside the repository at {}", root.display()))?
        .to_string_lossy()
        .replace('\\', "/");
    let src = String::from_utf8(snap.read(&rel)?).with_context(|| format!("{rel} is not UTF-8"))?;
    let f = crate::discover::function_at(&rel, &src, qualname).map_err(|e| anyhow!(e))?;
    if f.kind == crate::discover::FunctionKind::Method {
        bail!("{} is a method taking `self`; aiaccel cannot build instances to test it yet\nhint: check a module-level function or a @staticmethod", f.qualname);
    }
    let cand_src = std::fs::read_to_string(&args.candidate).with_context(|| format!("reading the candidate {}", args.candidate.display()))?;
    let cand = Candidate {
        origin: Origin::User { path: args.candidate.display().to_string() },
        strategy: Strategy::Manual,
        label: "candidate".into(),
        source: cand_src,
        assumes: String::new(),
    };
    let interp = crate::python::resolve(args.py.python.as_deref(), &snap.root, printer)?;
    let mut ws = Workspace::new(&snap)?;
    ws.limits = args.sandbox.limits();
    ws.sandboxed = !args.sandbox.unsafe_no_sandbox;
    let captured = if args.no_capture {
        None
    } else {
        let c = verify::capture(&interp, &ws, &snap, &[&f], Duration::from_secs(300))?;
        Some(c)
    };
    let cap_file = captured.as_ref().and_then(|c| c.file_for(&f));
    let (project_settings, warning) = verify::Settings::for_snapshot(&snap);
    if let Some(w) = warning {
        printer.warn(w);
    }
    let verifier = Verifier { interp: &interp, ws: &ws, settings: verify::Settings { timeout: Duration::from_secs(args.sandbox.timeout), ..project_settings } };
    printer.step(format!("verifying {} against {}", f.id(), args.candidate.display()));
    let (verdict, verified) = match verifier.verify(&f, &src, &cand, cap_file.as_deref())? {
        Ok(x) => x,
        Err(u) => bail!("cannot verify {}: {}\nhint: aiaccel needs inputs on which the original returns normally and deterministically", f.id(), u.message()),
    };
    let mut out = json!({
        "function": f.id(),
        "path": f.path,
        "verdict": verdict,
        "equivalent": matches!(verdict, Verdict::Equivalent { .. }),
        "sandbox": ws.sandbox_seen.borrow().clone(),
    });
    let mut bench_diverged = None;
    if let Some(v) = &verified {
        out["evidence"] = json!(v.evidence);
        if !args.no_bench {
            let bencher = Bencher {
                interp: &interp,
                ws: &ws,
                settings: crate::bench::Settings { min_speedup: args.min_speedup, ..Default::default() },
                seed: verifier.settings.seed,
            };
            let (bv, timing, _) = bencher.bench(&f, v, cap_file.as_deref())?;
            out["bench"] = json!(bv);
            if let BenchVerdict::Diverged { message, counterexample } = &bv {
                bench_diverged = Some(Verdict::Diverged { message: message.clone(), counterexample: counterexample.clone(), cases: 0 });
            }
            out["timing"] = json!(timing);
            if !args.json {
                match (&bv, &timing) {
                    (BenchVerdict::Failed { reason }, _) => printer.step(format!("benchmark failed: {reason}")),
                    (_, Some(t)) => {
                        for s in &t.sizes {
                            printer.step(format!(
                                "  n={}: original {}, candidate {}, {:.2}x",
                                s.size,
                                crate::report::fmt_s(s.orig_median_s),
                                crate::report::fmt_s(s.cand_median_s),
                                s.speedup
                            ));
                        }
                        printer.step(format!("  compile/first-call overhead {}", crate::report::fmt_s(t.compile_s)));
                    }
                    _ => {}
                }
            }
        }
    }
    // a difference at a benchmark size is a divergence like any other
    let verdict = match bench_diverged {
        Some(d) => {
            out["verdict"] = json!(d);
            out["equivalent"] = json!(false);
            d
        }
        None => verdict,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&out)?);
    }
    match &verdict {
        Verdict::Equivalent { cases, captured, .. } => {
            printer.step(format!("equivalent: {} matches the original on {cases} inputs ({captured} captured)", f.qualname));
            Ok(0)
        }
        other => {
            printer.step(format!("NOT equivalent ({}): {}", other.short(), other.message()));
            Ok(1)
        }
    }
}

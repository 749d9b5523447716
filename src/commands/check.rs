//! `aiaccel check FILE::FUNCTION --candidate CAND.py`: verify (and time) a rewrite written by a
//! person or another tool. Exit 0 equivalent, 1 not equivalent (with the counterexample), 2
//! aiaccel could not decide.

use crate::bench::BenchVerdict;
use crate::cli::CheckConfig;
use crate::git::Snapshot;
use crate::pipeline::Session;
use crate::printer::Printer;
use crate::propose::{Candidate, Origin, Strategy};
use crate::verify::{Verdict, VerifyOutcome};
use anyhow::{anyhow, bail, Context, Result};
use serde_json::json;
use std::time::Duration;

pub fn run(cfg: CheckConfig, printer: &Printer) -> Result<i32> {
    let (file, qualname) = (cfg.file.as_str(), cfg.qualname.as_str());
    let cwd = &cfg.session.repo;
    let snap = Snapshot::open(cwd)?;
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
    if f.kind == crate::discover::FunctionKind::Method && f.self_attrs.is_empty() {
        bail!(
            "{} is a method aiaccel cannot build instances for: {}\nhint: check a method that only reads attributes of `self`, a module-level function or a @staticmethod",
            f.qualname,
            crate::discover::method::why_no_instances(&src, &f)
        );
    }
    let cand_src = std::fs::read_to_string(&cfg.candidate).with_context(|| format!("reading the candidate {}", cfg.candidate.display()))?;
    let cand = Candidate {
        origin: Origin::User { path: cfg.candidate.display().to_string() },
        strategy: Strategy::Manual,
        label: "candidate".into(),
        source: cand_src,
        assumes: String::new(),
    };
    let mut session = Session::start(snap, &cfg.session, printer)?;
    session.verify.reorder_bound = cfg.reorders_sums;
    if cfg.session.capture {
        session.capture(&[&f], Duration::from_secs(300))?;
    }
    let (cap_file, _) = session.captured_for(&f);
    for w in &session.warnings {
        printer.warn(w);
    }
    printer.step(format!("verifying {} against {}", f.id(), cfg.candidate.display()));
    let (verdict, verified) = match session.verifier().verify(&f, &src, &cand, cap_file.as_deref())? {
        VerifyOutcome::Equivalent(v) => (v.verdict().clone(), Some(v)),
        VerifyOutcome::Rejected(verdict) => (verdict, None),
        VerifyOutcome::Unverifiable(u) => bail!("cannot verify {}: {}\nhint: aiaccel needs inputs on which the original returns normally and deterministically", f.id(), u.message()),
    };
    let mut out = json!({
        "function": f.id(),
        "path": f.path,
        "verdict": verdict,
        "equivalent": matches!(verdict, Verdict::Equivalent { .. }),
        "sandbox": session.ws.sandbox_seen.borrow().clone(),
    });
    let mut bench_diverged = None;
    if let Some(v) = verified {
        out["evidence"] = json!(v.evidence());
        if cfg.bench {
            let bo = session.bencher().bench(&f, *v, cap_file.as_deref())?;
            let bv = bo.verdict();
            out["bench"] = json!(bv);
            out["timing"] = json!(bo.timing());
            if let crate::bench::BenchOutcome::Diverged { message, counterexample } = &bo {
                bench_diverged = Some(Verdict::Diverged { message: message.clone(), counterexample: counterexample.clone(), cases: 0 });
            }
            if !cfg.json {
                match (&bv, bo.timing()) {
                    (BenchVerdict::Failed { reason }, _) => printer.step(format!("benchmark failed: {reason}")),
                    (_, Some(t)) => {
                        for s in &t.sizes {
                            let at = if s.real { format!("the repo's own call ({})", s.inputs) } else { format!("n={}", s.size) };
                            printer.step(format!(
                                "  {at}: original {}, candidate {}, {:.2}x",
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
    if cfg.json {
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

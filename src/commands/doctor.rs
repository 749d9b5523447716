//! `aiaccel doctor [--fix]`: which Python aiaccel will use and whether numpy/numba import there.

use crate::cli::DoctorArgs;
use crate::printer::Printer;
use anyhow::Result;

pub fn run(args: DoctorArgs, printer: &Printer) -> Result<i32> {
    let root = git2::Repository::discover(&args.path).ok().and_then(|r| r.workdir().map(|p| p.to_path_buf())).unwrap_or(args.path.clone());
    if args.fix {
        let i = crate::python::resolve(args.py.python.as_deref(), &root, printer)?;
        println!("python {} ({}) from {}: numpy {}, numba {}, pytest {}", i.path.display(), i.version, i.source, show(&i.numpy), show(&i.numba), show(&i.pytest));
        print_optional(&i);
        return Ok(0);
    }
    let (path, source) = match (&args.py.python, std::env::var_os("AIACCEL_PYTHON")) {
        (Some(p), _) => (p.clone(), "--python"),
        (None, Some(p)) if !p.is_empty() => (p.into(), "$AIACCEL_PYTHON"),
        _ if root.join(".venv/bin/python").exists() => (root.join(".venv/bin/python"), ".venv"),
        _ => ("python3".into(), "python3"),
    };
    let i = crate::python::Interpreter::probe(&path, source)?;
    println!("python {} ({}) from {source}: numpy {}, numba {}, pytest {}", i.path.display(), i.version, show(&i.numpy), show(&i.numba), show(&i.pytest));
    print_optional(&i);
    if !i.has_accel_stack() {
        println!("numpy and numba are needed; `aiaccel doctor --fix` creates aiaccel's managed venv in {}", crate::paths::cache_dir().display());
        return Ok(1);
    }
    Ok(0)
}

/// The optional packages, each with what needs it: a missing one only keeps those rewrites out.
fn print_optional(i: &crate::python::Interpreter) {
    for (name, what) in crate::python::OPTIONAL {
        match i.optional.get(*name).cloned().flatten() {
            Some(v) => println!("  optional {name} {v}: {what}"),
            None => println!("  optional {name} missing: needed for {what} (`{} -m pip install {name}`{})", i.path.display(), if *name == "scipy" && i.source == "managed venv" { "; the managed venv installs it when a kernel needs it" } else { "" }),
        }
    }
}

fn show(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "missing".into())
}

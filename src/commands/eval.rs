//! `aiaccel eval [CORPUS]`: run the pipeline over the benchmark corpus in several
//! configurations and write the JSON report, a markdown table and an SVG plot.
//! Exit 0, or 1 when `--compare` finds a regression or a wrong rewrite was accepted.

use crate::cli::EvalConfig;
use crate::eval::{self, render, EvalReport};
use crate::printer::Printer;
use anyhow::{Context, Result};

pub fn run(args: EvalConfig, printer: &Printer) -> Result<i32> {
    let report = eval::run(&args, printer)?;
    let json_path = args.json.clone().unwrap_or_else(|| {
        let results = args.corpus.parent().map(|p| p.join("results")).unwrap_or_else(|| "results".into());
        results.join(format!("{}.json", report.date))
    });
    if let Some(dir) = json_path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&json_path, serde_json::to_string_pretty(&report)?).with_context(|| format!("writing {}", json_path.display()))?;
    let md = json_path.with_extension("md");
    std::fs::write(&md, render::markdown(&report)).with_context(|| format!("writing {}", md.display()))?;
    let svg = json_path.with_extension("svg");
    std::fs::write(&svg, render::svg(&report)).with_context(|| format!("writing {}", svg.display()))?;
    for s in &report.summaries {
        printer.step(format!(
            "{:10} accelerated {}/{} ({:.0}%), geomean {}, wrong accepted {}, negative controls accepted {}/{}{}, {:.0} s",
            s.config,
            s.accelerated,
            s.functions,
            100.0 * s.accelerated_fraction,
            s.geomean_speedup.map(|g| format!("{g:.1}x")).unwrap_or_else(|| "-".into()),
            s.wrong_accepted,
            s.negatives_accepted,
            s.negatives,
            s.llm_pass_rate.map(|p| format!(", LLM pass rate {:.0}% ({}/{})", 100.0 * p, s.llm_equivalent, s.llm_candidates)).unwrap_or_default(),
            s.seconds
        ));
    }
    printer.step(format!("wrote {}, {} and {}", json_path.display(), md.display(), svg.display()));
    let mut code = 0;
    if report.summaries.iter().any(|s| s.wrong_accepted > 0 || s.negatives_accepted > 0) {
        printer.warn("a wrong rewrite or a negative control was accepted: see the report");
        code = 1;
    }
    if let Some(old) = &args.compare {
        let prev: EvalReport = serde_json::from_str(&std::fs::read_to_string(old).with_context(|| format!("reading {}", old.display()))?)
            .with_context(|| format!("{} is not an aiaccel eval report", old.display()))?;
        let (text, regressions) = render::compare(&prev, &report);
        printer.step(format!("compared with {}:\n{text}", old.display()));
        if regressions > 0 {
            code = 1;
        }
    }
    Ok(code)
}

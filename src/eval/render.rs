//! The eval report for people: a markdown table, an SVG plot (speedup per function per
//! configuration, log scale) and a comparison with an earlier run. Pure functions of the
//! report, so the same numbers go to every output.

use super::{reference_speedup, EvalReport, FnResult};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Today's date, UTC, as YYYY-MM-DD (days-from-civil inverse, no time crate needed).
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    crate::report::date_of(secs)
}

/// Cores, CPU model and memory, read from /proc.
pub fn machine_description() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| t.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split(':').nth(1)).map(|s| s.trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| t.lines().find(|l| l.starts_with("MemTotal")).and_then(|l| l.split_whitespace().nth(1)).and_then(|k| k.parse::<f64>().ok()))
        .map(|kb| format!("{:.0} GiB", kb / 1024.0 / 1024.0))
        .unwrap_or_else(|| "? GiB".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    format!("{cores} cores ({cpu}), {mem} RAM, {}", std::env::consts::OS)
}

fn x(v: Option<f64>) -> String {
    v.map(|v| if v >= 10.0 { format!("{v:.0}x") } else { format!("{v:.2}x") }).unwrap_or_else(|| "–".into())
}

/// A geomean, with the digit that decides whether a target such as 25x is met (24.8x, not 25x).
fn geo(v: Option<f64>) -> String {
    v.map(|v| if v >= 100.0 { format!("{v:.0}x") } else { format!("{v:.1}x") }).unwrap_or_else(|| "–".into())
}

pub fn markdown(r: &EvalReport) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# aiaccel eval, {}\n", r.date);
    let _ = writeln!(o, "- machine: {}", r.machine);
    let _ = writeln!(o, "- python: {}; numpy {}; numba {}", r.python, r.numpy, r.numba);
    let _ = writeln!(o, "- sizes: {} (speedups below at `{}`, end to end at the original signature, conversions included)", r.sizes.join(", "), r.reference_size);
    if let Some(m) = &r.model {
        let _ = writeln!(o, "- model: {m} (on at most {} functions per configuration)", r.llm_functions);
    }
    let _ = writeln!(o, "- wall time: {:.0} s\n", r.seconds);
    let _ = writeln!(o, "## Summary\n");
    let _ = writeln!(o, "| configuration | accelerated (>= 1.2x, oracle ok) | geomean speedup | wrong accepted | negative controls accepted | LLM pass rate | mean wall / function | wall |");
    let _ = writeln!(o, "| --- | --- | --- | --- | --- | --- | --- | --- |");
    for s in &r.summaries {
        let _ = writeln!(
            o,
            "| {} | {}/{} ({:.0}%) | {} | {} | {}/{} | {} | {:.1} s | {:.0} s |",
            s.config,
            s.accelerated,
            s.functions,
            100.0 * s.accelerated_fraction,
            geo(s.geomean_speedup),
            s.wrong_accepted,
            s.negatives_accepted,
            s.negatives,
            s.llm_pass_rate.map(|p| format!("{:.0}% ({}/{})", 100.0 * p, s.llm_equivalent, s.llm_candidates)).unwrap_or_else(|| "–".into()),
            s.mean_wall_s,
            s.seconds
        );
    }
    let _ = writeln!(o, "\n## Per function (speedup at `{}`; `–` = nothing accepted)\n", r.reference_size);
    if !r.njit_reference.is_empty() {
        let _ = writeln!(
            o,
            "`njit on arrays, kernel only` is the compiled-loop reference: `numba.njit` on the unchanged function, called with its list and bytes arguments already made ndarrays, so the conversion a caller would pay is not timed. It is not a rewrite aiaccel would commit (no guards, no fallback, ints wrap); it shows how far each rewrite is from the compiled loop.\n"
        );
    }
    let _ = write!(o, "| function | group |");
    for c in &r.configs {
        let _ = write!(o, " {c} |");
    }
    let with_ref = !r.njit_reference.is_empty();
    if with_ref {
        let _ = write!(o, " njit on arrays, kernel only |");
    }
    let _ = writeln!(o, " best rewrite |");
    let _ = write!(o, "| --- | --- |");
    for _ in &r.configs {
        let _ = write!(o, " --- |");
    }
    if with_ref {
        let _ = write!(o, " --- |");
    }
    let _ = writeln!(o, " --- |");
    for (name, rows) in by_function(r) {
        let group = rows.values().next().map(|r| r.group.clone()).unwrap_or_default();
        let _ = write!(o, "| {name} | {group} |");
        for c in &r.configs {
            let cell = match rows.get(c.as_str()) {
                Some(fr) if fr.status == "accepted" => {
                    let sp = x(reference_speedup(fr, &r.reference_size));
                    if fr.oracle_ok != Some(true) {
                        format!("{sp} **WRONG**")
                    } else if fr.group == "negative" {
                        format!("{sp} **negative accepted**")
                    } else {
                        sp
                    }
                }
                Some(fr) => format!("– ({})", fr.status),
                None => String::new(),
            };
            let _ = write!(o, " {cell} |");
        }
        if with_ref {
            let cell = match r.njit_reference.iter().find(|n| n.name == name) {
                Some(n) => match (n.speedup, n.note.as_str()) {
                    (Some(sp), "") => x(Some(sp)),
                    (Some(sp), note) => format!("{} ({note})", x(Some(sp))),
                    (None, note) => format!("– ({})", note.split(':').next().unwrap_or(note)),
                },
                None => String::new(),
            };
            let _ = write!(o, " {cell} |");
        }
        let best = rows.values().filter(|f| f.accelerated).max_by(|a, b| reference_speedup(a, &r.reference_size).partial_cmp(&reference_speedup(b, &r.reference_size)).unwrap_or(std::cmp::Ordering::Equal));
        let _ = writeln!(o, " {} |", best.map(|b| format!("{} ({})", b.origin.clone().unwrap_or_default(), b.strategy.clone().unwrap_or_default())).unwrap_or_default());
    }
    let _ = writeln!(o, "\n## Why not accelerated (first configuration that tried)\n");
    for (name, rows) in by_function(r) {
        if rows.values().any(|f| f.accelerated) {
            continue;
        }
        if let Some(fr) = r.configs.iter().rev().find_map(|c| rows.get(c.as_str())) {
            let _ = writeln!(o, "- **{name}** ({}): {}", fr.config, fr.reason.lines().next().unwrap_or("").chars().take(220).collect::<String>());
        }
    }
    o
}

fn by_function(r: &EvalReport) -> BTreeMap<String, BTreeMap<&str, &FnResult>> {
    let mut m: BTreeMap<String, BTreeMap<&str, &FnResult>> = BTreeMap::new();
    for fr in &r.results {
        m.entry(fr.name.clone()).or_default().insert(fr.config.as_str(), fr);
    }
    m
}

/// Horizontal grouped bars, log-scale speedup axis from 0.1x to 1000x; 1x is marked.
pub fn svg(r: &EvalReport) -> String {
    let rows = by_function(r);
    let colours = ["#7f7f7f", "#1f77b4", "#ff7f0e", "#2ca02c"];
    let bar_h = 7.0;
    let row_h = bar_h * r.configs.len() as f64 + 6.0;
    let left = 170.0;
    let width = 900.0;
    let plot_w = width - left - 30.0;
    let top = 60.0;
    let height = top + row_h * rows.len() as f64 + 40.0;
    let (lo, hi) = (0.1f64.log10(), 1000f64.log10());
    let px = |v: f64| left + (if v.is_nan() { 0.1 } else { v.clamp(0.1, 1000.0) }.log10() - lo) / (hi - lo) * plot_w;
    let mut o = String::new();
    let _ = writeln!(o, r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0}" font-family="sans-serif" font-size="10">"#);
    let _ = writeln!(o, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(o, r#"<text x="{left}" y="18" font-size="13">aiaccel eval {}: speedup at `{}` per function and configuration (log scale)</text>"#, r.date, r.reference_size);
    for (i, c) in r.configs.iter().enumerate() {
        let xx = left + i as f64 * 150.0;
        let _ = writeln!(o, r#"<rect x="{xx}" y="28" width="10" height="10" fill="{}"/><text x="{}" y="37">{c}</text>"#, colours[i % 4], xx + 14.0);
    }
    for t in [0.1, 1.0, 10.0, 100.0, 1000.0] {
        let xx = px(t);
        let stroke = if t == 1.0 { "#000" } else { "#ddd" };
        let _ = writeln!(o, r#"<line x1="{xx:.1}" y1="{top}" x2="{xx:.1}" y2="{:.1}" stroke="{stroke}"/><text x="{xx:.1}" y="{:.1}" text-anchor="middle">{t}x</text>"#, height - 35.0, height - 22.0);
    }
    for (k, (name, cfgs)) in rows.iter().enumerate() {
        let y0 = top + k as f64 * row_h;
        let _ = writeln!(o, r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{name}</text>"#, left - 6.0, y0 + row_h / 2.0 + 3.0);
        for (i, c) in r.configs.iter().enumerate() {
            let y = y0 + 3.0 + i as f64 * bar_h;
            let Some(fr) = cfgs.get(c.as_str()) else { continue };
            match (fr.status.as_str(), reference_speedup(fr, &r.reference_size)) {
                ("accepted", Some(s)) => {
                    let (a, b) = (px(1.0), px(s));
                    let (x0, w) = if b >= a { (a, b - a) } else { (b, a - b) };
                    let mark = if fr.oracle_ok != Some(true) { r#" stroke="red" stroke-width="2""# } else { "" };
                    let _ = writeln!(o, r#"<rect x="{x0:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{}"{mark}><title>{name} {c}: {s:.2}x</title></rect>"#, w.max(1.0), bar_h - 1.0, colours[i % 4]);
                }
                _ => {
                    let _ = writeln!(o, r#"<circle cx="{:.1}" cy="{:.1}" r="1.5" fill="{}"><title>{name} {c}: {}</title></circle>"#, px(1.0), y + bar_h / 2.0, colours[i % 4], fr.status);
                }
            }
        }
    }
    let _ = writeln!(o, "</svg>");
    o
}

/// Differences from an earlier run: lost accelerations, slowdowns over 25%, new wrong accepts.
pub fn compare(old: &EvalReport, new: &EvalReport) -> (String, usize) {
    let mut o = String::new();
    let mut regressions = 0;
    let old_rows = by_function(old);
    for fr in &new.results {
        let Some(prev) = old_rows.get(&fr.name).and_then(|m| m.get(fr.config.as_str())) else { continue };
        let (a, b) = (reference_speedup(prev, &old.reference_size), reference_speedup(fr, &new.reference_size));
        let what = if prev.accelerated && !fr.accelerated {
            Some(format!("no longer accelerated (was {}): {}", x(a), fr.reason.lines().next().unwrap_or("")))
        } else if fr.status == "accepted" && fr.oracle_ok != Some(true) && !(prev.status == "accepted" && prev.oracle_ok != Some(true)) {
            Some("a WRONG rewrite is now accepted".to_string())
        } else if let (true, true, Some(a), Some(b)) = (prev.accelerated, fr.accelerated, a, b) {
            (b < a * 0.75).then(|| format!("slower: {} -> {}", x(Some(a)), x(Some(b))))
        } else {
            None
        };
        if let Some(w) = what {
            regressions += 1;
            let _ = writeln!(o, "  regression  {:10} {:22} {w}", fr.config, fr.name);
        } else if !prev.accelerated && fr.accelerated {
            let _ = writeln!(o, "  improvement {:10} {:22} now {}", fr.config, fr.name, x(b));
        }
    }
    for s in &new.summaries {
        if let Some(p) = old.summaries.iter().find(|p| p.config == s.config) {
            let _ = writeln!(o, "  {:10} accelerated {} -> {}, geomean {} -> {}, wrong accepted {} -> {}", s.config, p.accelerated, s.accelerated, geo(p.geomean_speedup), geo(s.geomean_speedup), p.wrong_accepted, s.wrong_accepted);
        }
    }
    (o, regressions)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_geomean_keeps_the_digit_a_target_turns_on() {
        assert_eq!(super::geo(Some(24.8)), "24.8x");
        assert_eq!(super::geo(Some(25.04)), "25.0x");
        assert_eq!(super::geo(Some(312.6)), "313x");
        assert_eq!(super::geo(None), "–");
    }
}

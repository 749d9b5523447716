//! The run report as one self-contained HTML page (`aiaccel report RUN.json --html FILE`,
//! `rewrite --html FILE`): the table of functions with status, reason and speedups, and for
//! each accepted rewrite a plot of speedup against input size, drawn here as inline SVG. The
//! page loads nothing from anywhere (no script, no font, no stylesheet link): it opens the same
//! on an air-gapped machine, attached to a ticket, years later.

use crate::bench::Timing;
use crate::report::{fmt_s, FunctionReport, Report, Status};
use std::fmt::Write as _;

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// The timing of the candidate a function's report accepted.
fn accepted_timing(f: &FunctionReport) -> Option<&Timing> {
    f.candidates.iter().find(|c| c.verdict == "accepted").and_then(|c| c.timing.as_ref())
}

/// Speedup against input size: the generated sizes as a line, in order, the repo's own call
/// size as a separate marked point, 1x dashed. Log scale on the speedup axis.
pub fn speedup_svg(t: &Timing, title: &str) -> String {
    let (w, h, left, right, top, bottom) = (420.0_f64, 220.0_f64, 52.0, 16.0, 28.0, 40.0);
    let points: Vec<(String, f64, bool)> = t.sizes.iter().map(|s| (if s.real { "your calls".to_string() } else { format!("n={}", s.size) }, s.speedup.max(1e-3), s.real)).collect();
    let mut svg = format!(r#"<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{}">"#, esc(title));
    let _ = write!(svg, r#"<title>{}</title>"#, esc(title));
    if points.is_empty() {
        svg.push_str(r#"<text x="10" y="20">no timings</text></svg>"#);
        return svg;
    }
    let lo = points.iter().map(|p| p.1).fold(0.5_f64, f64::min).log10().floor();
    let hi = points.iter().map(|p| p.1).fold(2.0_f64, f64::max).log10().ceil().max(lo + 1.0);
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let y = |v: f64| top + plot_h * (1.0 - (v.log10() - lo) / (hi - lo));
    // generated sizes left to right, the real call size last (it is not on the n axis)
    let mut order: Vec<&(String, f64, bool)> = points.iter().filter(|p| !p.2).collect();
    order.extend(points.iter().filter(|p| p.2));
    let step = plot_w / (order.len() as f64);
    let x = |k: usize| left + step * (k as f64 + 0.5);
    let _ = write!(svg, r##"<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fbfbfd" stroke="#c8c8d0"/>"##);
    let mut e = lo as i32;
    while e as f64 <= hi {
        let v = 10f64.powi(e);
        let yy = y(v);
        let label = if v >= 1.0 { format!("{v:.0}x") } else { format!("{v}x") };
        let _ = write!(svg, r##"<line x1="{left}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#e2e2ea"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end" fill="#555">{label}</text>"##, left + plot_w, left - 6.0, yy + 4.0);
        e += 1;
    }
    let one = y(1.0);
    let _ = write!(svg, r##"<line class="parity" x1="{left}" x2="{}" y1="{one:.1}" y2="{one:.1}" stroke="#b00020" stroke-dasharray="4 3"/>"##, left + plot_w);
    let line: Vec<String> = order.iter().enumerate().filter(|(_, p)| !p.2).map(|(k, p)| format!("{:.1},{:.1}", x(k), y(p.1))).collect();
    if line.len() > 1 {
        let _ = write!(svg, r##"<polyline fill="none" stroke="#2856c8" stroke-width="2" points="{}"/>"##, line.join(" "));
    }
    for (k, p) in order.iter().enumerate() {
        let colour = if p.2 { "#e07000" } else { "#2856c8" };
        let _ = write!(
            svg,
            r##"<circle class="point" cx="{:.1}" cy="{:.1}" r="4" fill="{colour}"><title>{}: {:.2}x</title></circle><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="#333">{:.1}x</text><text x="{:.1}" y="{}" font-size="11" text-anchor="middle" fill="#555">{}</text>"##,
            x(k),
            y(p.1),
            esc(&p.0),
            p.1,
            x(k),
            y(p.1) - 8.0,
            p.1,
            x(k),
            h - bottom + 16.0,
            esc(&p.0)
        );
    }
    let _ = write!(svg, r##"<text x="{left}" y="16" font-size="12" fill="#222">{}</text>"##, esc(title));
    let _ = write!(svg, r##"<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#555">input size</text>"##, left + plot_w / 2.0, h - 6.0);
    svg.push_str("</svg>");
    svg
}

const STYLE: &str = "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#1d1d24;max-width:1200px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}.meta{color:#555;margin:0 0 16px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e4e4ea;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f7;font-weight:600}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
span.accepted,td.accepted{color:#0a7a32;font-weight:600}span.rejected,td.rejected{color:#9a5b00}span.skipped,td.skipped{color:#777}
.cards{display:flex;flex-wrap:wrap;gap:16px}.card{border:1px solid #e4e4ea;border-radius:6px;padding:10px}
.reason{max-width:520px;color:#333}code{font-size:12px}";

/// The page.
pub fn render(r: &Report) -> String {
    let s = &r.summary;
    let mut out = String::new();
    let _ = write!(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>aiaccel run {}</title><style>{STYLE}</style></head><body>\n", esc(&s.head[..10.min(s.head.len())]));
    let _ = writeln!(out, "<h1>aiaccel run report</h1>");
    let _ = writeln!(
        out,
        "<p class=\"meta\">HEAD <code>{}</code> · {} Python files · Python {} · numpy {} · numba {} · capture: {} · {:.0} s</p>",
        esc(&s.head),
        s.files_scanned,
        esc(&s.python),
        esc(&s.numpy),
        esc(&s.numba),
        esc(&s.capture),
        s.seconds
    );
    let _ = writeln!(
        out,
        "<p id=\"summary\"><b>{}</b> functions: <span class=\"accepted\">{} accepted</span>, <span class=\"rejected\">{} rejected</span>, <span class=\"skipped\">{} skipped</span>; {} of {} candidates verified equivalent{}.</p>",
        s.functions,
        s.accepted,
        s.rejected,
        s.skipped,
        s.candidates_equivalent,
        s.candidates,
        s.geomean_speedup.map(|g| format!("; geomean speedup of the accepted {g:.1}x")).unwrap_or_default()
    );
    let accepted: Vec<&FunctionReport> = r.functions.iter().filter(|f| f.status == Status::Accepted).collect();
    if !accepted.is_empty() {
        let _ = writeln!(out, "<h2>Speedup against input size</h2>\n<div class=\"cards\" id=\"plots\">");
        for f in &accepted {
            if let Some(t) = accepted_timing(f) {
                let _ = writeln!(out, "<div class=\"card\">{}</div>", speedup_svg(t, &format!("{}::{}", f.path, f.function)));
            }
        }
        let _ = writeln!(out, "</div>");
    }
    let _ = writeln!(out, "<h2>Functions</h2>\n<table id=\"functions\"><thead><tr><th>status</th><th>function</th><th>speedup</th><th>at your call size</th><th>original → rewrite (largest size)</th><th>origin</th><th>reason</th><th>branch</th></tr></thead><tbody>");
    let mut rows: Vec<&FunctionReport> = r.functions.iter().collect();
    rows.sort_by_key(|f| match f.status {
        Status::Accepted => 0,
        Status::Rejected => 1,
        Status::Skipped => 2,
    });
    for f in rows {
        let status = match f.status {
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Skipped => "skipped",
        };
        let t = accepted_timing(f);
        let real = t.and_then(|t| t.real()).map(|s| format!("{:.2}x", s.speedup)).unwrap_or_default();
        let largest = t.and_then(|t| t.sizes.iter().rfind(|s| !s.real)).map(|s| format!("{} → {}", fmt_s(s.orig_median_s), fmt_s(s.cand_median_s))).unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr class=\"{status}\"><td class=\"{status}\">{status}</td><td><code>{}::{}</code></td><td class=\"num\">{}</td><td class=\"num\">{real}</td><td class=\"num\">{}</td><td>{}</td><td class=\"reason\">{}</td><td><code>{}</code></td></tr>",
            esc(&f.path),
            esc(&f.function),
            f.speedup.map(|s| format!("{s:.1}x")).unwrap_or_default(),
            esc(&largest),
            esc(f.origin.as_deref().unwrap_or("")),
            esc(f.reason.lines().next().unwrap_or("")),
            esc(f.branch.as_deref().unwrap_or(""))
        );
    }
    let _ = writeln!(out, "</tbody></table>");
    if !s.warnings.is_empty() {
        let _ = writeln!(out, "<h2>Warnings</h2><ul>");
        for w in &s.warnings {
            let _ = writeln!(out, "<li>{}</li>", esc(w));
        }
        let _ = writeln!(out, "</ul>");
    }
    let _ = writeln!(out, "<p class=\"meta\">Made by aiaccel {}. Every accepted rewrite is a branch; `aiaccel review` lists them, `aiaccel verify BRANCH` replays the evidence.</p>\n</body></html>", env!("CARGO_PKG_VERSION"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::SizeTiming;

    #[test]
    fn the_plot_has_a_point_per_size_and_the_parity_line() {
        let size = |n: &str, sp: f64, real: bool| SizeTiming { size: n.into(), inputs: String::new(), orig_median_s: 1e-3, cand_median_s: 1e-3 / sp, speedup: sp, ratios: vec![sp], real };
        let t = Timing { sizes: vec![size("8", 0.8, false), size("32", 4.0, false), size("128", 30.0, false), size("captured", 7.0, true)], compile_s: 0.3, import_s: 0.2, break_even_calls: Some(2.0), checked_sizes: 3 };
        let svg = speedup_svg(&t, "m.py::<f>");
        assert_eq!(svg.matches("<circle class=\"point\"").count(), 4);
        assert!(svg.contains("class=\"parity\"") && svg.contains("your calls") && svg.contains("m.py::&lt;f&gt;"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }
}

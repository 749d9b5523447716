//! `aiaccel rules` and `aiaccel rule CODE`: the rule documentation, from rules/*.toml.

use crate::propose::rules;
use anyhow::{bail, Result};

pub fn list() -> Result<i32> {
    for r in rules::all_rules() {
        let what = r.what.split_whitespace().collect::<Vec<_>>().join(" ");
        let short: String = what.split(". ").next().unwrap_or("").chars().take(100).collect();
        println!("{}  {:<22} {:<15} {}", r.code, r.name, r.strategy.as_str(), short);
    }
    Ok(0)
}

pub fn show(code: &str) -> Result<i32> {
    let Some(r) = rules::rule(code) else {
        let known: Vec<String> = rules::all_rules().iter().map(|r| format!("{} {}", r.code, r.name)).collect();
        bail!("no rule {code:?}\nhint: known rules: {}", known.join(", "));
    };
    println!("{} {} ({})\n", r.code, r.name, r.strategy.as_str());
    println!("What it does:\n{}\n", r.what.trim());
    println!("Why it is faster:\n{}\n", r.why.trim());
    println!("Assumes (when the rewrite is NOT equivalent):\n{}\n", r.assumes.trim());
    for e in &r.examples {
        // the rewrite as this build makes it (tests/snapshots/rules__<code>_<example>.snap pins it)
        let after = rules::example_function(&e.before, &e.function).map_err(anyhow::Error::msg).and_then(|f| rules::apply(&r.code, &f, &e.before));
        let after = match after {
            Ok(Ok(text)) => text,
            Ok(Err(why)) => format!("(does not fire: {why})"),
            Err(e) => format!("(error: {e:#})"),
        };
        println!("Example: {}\n--- before\n{}\n--- after\n{}", e.name, e.before.trim_end(), after.trim_end());
        println!();
    }
    for n in &r.no_fire {
        println!("Does not fire: {} ({})\n{}\n", n.name, n.reason.trim(), n.before.trim_end());
    }
    Ok(0)
}

/// Print the candidate a rule proposes for FILE::FUNCTION (the file as it is on disk).
pub fn apply(code: &str, target: &str) -> Result<i32> {
    let Some(r) = rules::rule(code) else { bail!("no rule {code:?}\nhint: `aiaccel rules` lists them") };
    let Some((file, qualname)) = target.rsplit_once("::") else { bail!("expected FILE::FUNCTION, got {target:?}") };
    let src = std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("reading {file}: {e}"))?;
    let f = crate::discover::function_at(file, &src, qualname).map_err(|e| anyhow::anyhow!(e))?;
    match rules::apply(&r.code, &f, &src)? {
        Ok(text) => {
            print!("{text}");
            Ok(0)
        }
        Err(why) => {
            eprintln!("{} does not fire on {qualname}: {why}", r.code);
            Ok(1)
        }
    }
}

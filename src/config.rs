//! `[tool.aiaccel]` in the repo's pyproject.toml, read from HEAD (never the worktree): what a
//! project wants aiaccel to look at and how strictly to compare. Flags override it. A key
//! aiaccel does not know is an error with the list of known ones: a misspelled `rtool = 1e-6`
//! silently ignored would verify under the default tolerance without anyone knowing.
//!
//! ```toml
//! [tool.aiaccel]
//! include = ["src/**"]            # paths or functions (globs, like --function)
//! exclude = ["src/legacy/io.py", "*::debug_*"]
//! strategies = ["numba", "numba-parallel", "vectorize"]
//! min_speedup = 1.5
//! rtol = 1e-7                      # and atol, nan_equal, signed_zero, exception_message, ...
//! python = ".venv/bin/python"     # relative to the repo root
//! model = "qwen2.5-coder-1.5b"
//! capture = false                  # do not run the repo's tests to capture calls
//! ```

use crate::git::Snapshot;
use crate::propose::Strategy;
use anyhow::{anyhow, bail, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::PathBuf;

pub const KNOWN_KEYS: &str = "include, exclude, strategies, min_speedup, python, model, capture, rtol, atol, nan_equal, signed_zero, exception_message, min_coverage, max_generated, max_captured, seed";

#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectConfig {
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    pub strategies: Option<Vec<Strategy>>,
    pub min_speedup: Option<f64>,
    pub python: Option<PathBuf>,
    pub model: Option<PathBuf>,
    pub capture: Option<bool>,
    pub rtol: Option<f64>,
    pub atol: Option<f64>,
    pub nan_equal: Option<bool>,
    pub signed_zero: Option<bool>,
    pub exception_message: Option<bool>,
    pub min_coverage: Option<f64>,
    pub max_generated: Option<usize>,
    pub max_captured: Option<usize>,
    pub seed: Option<u64>,
}

impl ProjectConfig {
    /// The `[tool.aiaccel]` table of HEAD's pyproject.toml (empty when there is none).
    pub fn load(snap: &Snapshot) -> Result<ProjectConfig> {
        let Ok(bytes) = snap.read("pyproject.toml") else { return Ok(ProjectConfig::default()) };
        Self::parse(&String::from_utf8_lossy(&bytes))
    }

    pub fn parse(text: &str) -> Result<ProjectConfig> {
        let value: toml::Value = toml::from_str(text).map_err(|e| anyhow!("pyproject.toml does not parse: {e}\nhint: fix the file (aiaccel reads it as committed at HEAD)"))?;
        let Some(table) = value.get("tool").and_then(|t| t.get("aiaccel")) else { return Ok(ProjectConfig::default()) };
        let cfg: ProjectConfig = table.clone().try_into().map_err(|e| anyhow!("[tool.aiaccel] in pyproject.toml: {}\nhint: the keys aiaccel knows are {KNOWN_KEYS}; strategies are numba, numba-parallel, vectorize, cupy, parallel", e.to_string().trim_end()))?;
        if let Some(m) = cfg.min_speedup {
            if !(m.is_finite() && m > 0.0) {
                bail!("[tool.aiaccel] min_speedup = {m} is not a positive number\nhint: e.g. `min_speedup = 1.5`");
            }
        }
        cfg.selection()?;
        Ok(cfg)
    }

    /// The compiled include / exclude globs.
    pub fn selection(&self) -> Result<Selection> {
        let build = |what: &str, pats: &[String]| -> Result<Option<GlobSet>> {
            if pats.is_empty() {
                return Ok(None);
            }
            let mut b = GlobSetBuilder::new();
            for p in pats {
                b.add(Glob::new(p).map_err(|e| anyhow!("[tool.aiaccel] {what}: {p:?} is not a glob: {e}\nhint: e.g. \"src/**\" or \"*::debug_*\""))?);
            }
            Ok(Some(b.build()?))
        };
        Ok(Selection { include: build("include", &self.include)?, exclude: build("exclude", &self.exclude)? })
    }
}

/// What `include` / `exclude` select: a function is in when it matches an include pattern (or
/// there is none) and no exclude pattern, by its path, `path::qualname`, `module:qualname` or
/// qualname.
#[derive(Debug, Default)]
pub struct Selection {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

impl Selection {
    pub fn selects(&self, path: &str, module: &str, qualname: &str) -> bool {
        let hit = |g: &GlobSet| g.is_match(path) || g.is_match(format!("{path}::{qualname}")) || g.is_match(format!("{module}:{qualname}")) || g.is_match(qualname);
        self.include.as_ref().is_none_or(hit) && !self.exclude.as_ref().is_some_and(hit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_globs_and_strategies() {
        let c = ProjectConfig::parse("[project]\nname='x'\n[tool.aiaccel]\ninclude=['src/**']\nexclude=['*::debug_*']\nstrategies=['numba','vectorize']\nmin_speedup=1.5\nrtol=1e-7\n").unwrap();
        assert_eq!(c.strategies, Some(vec![Strategy::Numba, Strategy::Vectorize]));
        let s = c.selection().unwrap();
        assert!(s.selects("src/pkg/a.py", "pkg.a", "f"));
        assert!(!s.selects("src/pkg/a.py", "pkg.a", "debug_dump"));
        assert!(!s.selects("tools/b.py", "tools.b", "f"));
        assert!(ProjectConfig::parse("[project]\nname='x'\n").unwrap().selection().unwrap().selects("a.py", "a", "f"));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors_with_a_hint() {
        let e = format!("{:#}", ProjectConfig::parse("[tool.aiaccel]\nrtool = 1e-6\n").unwrap_err());
        assert!(e.contains("rtool") && e.contains("hint: the keys aiaccel knows are include"), "{e}");
        let e = format!("{:#}", ProjectConfig::parse("[tool.aiaccel]\nstrategies = ['gpu']\n").unwrap_err());
        assert!(e.contains("gpu") && e.contains("strategies are numba"), "{e}");
        assert!(ProjectConfig::parse("[tool.aiaccel]\nmin_speedup = -1\n").is_err());
        assert!(ProjectConfig::parse("[tool.aiaccel]\ninclude = ['src/[']\n").is_err());
    }
}

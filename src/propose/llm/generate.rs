//! Text generation with a quantized Qwen2 model on the CPU (candle `quantized_qwen2`).
//!
//! Synchronous and CPU-bound: callers on an async runtime must run it on a blocking thread.
//! Greedy decoding by default, so the same prompt gives the same text (the seed is still recorded
//! for sampled runs). The prompt plus the token budget is checked against the model's context
//! length before any work is done: a too-long prompt is a clear error, never a silent truncation.

use super::fetch::{ChatSpec, ModelFile};
use super::tokenizer::{self, ModelTokenizer};
use anyhow::{bail, Context, Result};
use candle_core::quantized::gguf_file;
use candle_core::Device;
use candle_core::IndexOp;
use candle_transformers::generation::{LogitsProcessor, Sampling as CandleSampling};
use super::qwen2::Qwen2;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Instant;

/// Who says a chat message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn user(content: impl Into<String>) -> Self {
        Message { role: Role::User, content: content.into() }
    }
    pub fn assistant(content: impl Into<String>) -> Self {
        Message { role: Role::Assistant, content: content.into() }
    }
}

/// Render a conversation with the ChatML template and open the assistant's turn.
/// Without a leading system message the model's own default one is used (Qwen is tuned with it).
pub fn render_chatml(chat: &ChatSpec, messages: &[Message]) -> String {
    let mut out = String::new();
    if messages.first().map(|m| m.role) != Some(Role::System) {
        out.push_str(&format!("<|im_start|>system\n{}<|im_end|>\n", chat.system));
    }
    for m in messages {
        out.push_str(&format!("<|im_start|>{}\n{}<|im_end|>\n", m.role.as_str(), m.content));
    }
    out.push_str("<|im_start|>assistant\n");
    out
}

/// How to pick tokens. `temperature == 0` is greedy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sampling {
    pub temperature: f64,
    pub top_p: Option<f64>,
    pub seed: u64,
    pub max_new_tokens: usize,
    /// Stop as soon as a complete ```python block has been written: the prose a model adds after
    /// its code costs decode time and is thrown away anyway.
    pub stop_after_code_block: bool,
}

impl Sampling {
    /// Deterministic: always the most likely token.
    pub fn greedy(max_new_tokens: usize) -> Self {
        Sampling {
            temperature: 0.0,
            top_p: None,
            seed: 0,
            max_new_tokens,
            stop_after_code_block: true,
        }
    }

    /// Sampled with `temperature`, nucleus `top_p` 0.95, reproducible by `seed`.
    pub fn sampled(temperature: f64, seed: u64, max_new_tokens: usize) -> Self {
        Sampling {
            temperature,
            top_p: Some(0.95),
            seed,
            max_new_tokens,
            stop_after_code_block: true,
        }
    }

    pub fn is_greedy(&self) -> bool {
        self.temperature <= 0.0
    }
}

/// Why generation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StopReason {
    /// `<|im_end|>` or `<|endoftext|>`.
    EndOfTurn,
    /// A complete code block was written (`stop_after_code_block`).
    CodeBlock,
    /// `max_new_tokens` reached.
    Length,
}

/// One model reply and what it cost.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Generation {
    pub text: String,
    pub prompt_tokens: usize,
    /// Prompt tokens that were already in the KV cache (a conversation continued), not recomputed.
    #[serde(default)]
    pub reused_prompt_tokens: usize,
    pub generated_tokens: usize,
    /// Tokens proposed by prompt lookup, and how many of them the model confirmed.
    #[serde(default)]
    pub drafted_tokens: usize,
    #[serde(default)]
    pub accepted_draft_tokens: usize,
    pub prefill_seconds: f64,
    pub decode_seconds: f64,
    pub stop: StopReason,
    pub seed: u64,
}

/// Streamed progress, for a progress display.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// Prompt tokens processed so far.
    Prefill { done: usize, total: usize },
    /// One more token; `piece` is the new text (may be empty mid-way through a UTF-8 character).
    Token { generated: usize, max: usize, piece: &'a str },
}

/// The prompt does not fit: an outcome for the caller to report, not a model failure.
#[derive(Debug, thiserror::Error)]
#[error(
    "the prompt is {prompt_tokens} tokens and {max_new_tokens} more may be generated, \
     but the model's context is {context_length} tokens\n\
     hint: the function or its module context is too large for this model; shorten it or lower the token budget"
)]
pub struct ContextOverflow {
    pub prompt_tokens: usize,
    pub max_new_tokens: usize,
    pub context_length: usize,
}

/// A loaded model: weights, tokenizer, and what the manifest says about chatting with it.
pub struct Model {
    weights: Qwen2,
    /// Tokens whose keys/values are in the KV cache. A prompt that starts with some of them (the
    /// same conversation one turn later, the same function under another strategy) only
    /// prefills the rest.
    kv_ids: Vec<u32>,
    /// Greedy decoding drafts up to this many tokens by prompt lookup and checks them in one
    /// pass (0: one token per pass). The reply is the same either way.
    pub lookahead: usize,
    pub tokenizer: ModelTokenizer,
    pub context_length: usize,
    pub file: ModelFile,
}

/// Prompt tokens fed to the model per forward call; keeps prefill progress moving and the
/// attention scratch (heads x chunk x context) small.
const PREFILL_CHUNK: usize = 256;

/// Draft tokens checked per pass. Rewrites copy long runs of the original (names, loop headers,
/// whole statements), which prompt lookup finds; a wrong draft costs a little extra compute in a
/// pass that is bound by reading the weights anyway.
const DEFAULT_LOOKAHEAD: usize = 8;

/// The longest n-gram matched against earlier text when drafting.
const LOOKUP_NGRAM: usize = 4;

/// Draft continuation of `seq` by prompt lookup: find the latest earlier occurrence of its last
/// n tokens (n from LOOKUP_NGRAM down to 2) and propose what followed it there.
pub fn lookup_draft(seq: &[u32], max: usize) -> Vec<u32> {
    if max == 0 {
        return Vec::new();
    }
    for n in (2..=LOOKUP_NGRAM).rev() {
        if seq.len() <= n {
            continue;
        }
        let tail = &seq[seq.len() - n..];
        // latest match first: the code being written copies what it copied last
        for start in (0..seq.len() - n).rev() {
            if &seq[start..start + n] == tail {
                let from = start + n;
                let to = (from + max).min(seq.len());
                if from < to {
                    return seq[from..to].to_vec();
                }
            }
        }
    }
    Vec::new()
}

impl Model {
    /// Load a verified model file (see `fetch::resolve_named` / `fetch::resolve_local`).
    pub fn load(file: &ModelFile) -> Result<Model> {
        let path: &Path = &file.path;
        let mut reader = std::fs::File::open(path)
            .with_context(|| format!("cannot open model {}", path.display()))?;
        let ct = gguf_file::Content::read(&mut reader)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("model {} is not a readable GGUF file", path.display()))?;
        let arch = ct
            .metadata
            .get("general.architecture")
            .and_then(|v| v.to_string().ok())
            .cloned()
            .unwrap_or_default();
        if arch != "qwen2" {
            bail!("model {} is `{arch}`, not qwen2", path.display());
        }
        let context_length = ct
            .metadata
            .get("qwen2.context_length")
            .and_then(|v| v.to_u32().ok())
            .context("GGUF metadata has no qwen2.context_length")? as usize;
        let tokenizer = tokenizer::from_gguf(&ct)
            .with_context(|| format!("cannot build the tokenizer of {}", path.display()))?;
        let device = Device::Cpu;
        let weights = Qwen2::from_gguf(ct, &mut reader, &device)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("cannot load the weights of {}", path.display()))?;
        Ok(Model {
            weights,
            kv_ids: Vec::new(),
            lookahead: std::env::var("AIACCEL_LLM_LOOKAHEAD").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_LOOKAHEAD),
            tokenizer,
            context_length,
            file: file.clone(),
        })
    }

    pub fn chat(&self) -> &ChatSpec {
        &self.file.chat
    }

    /// Count tokens of a rendered prompt.
    pub fn count_tokens(&self, text: &str) -> Result<usize> {
        Ok(self.tokenizer.encode(text)?.len())
    }

    /// Generate the assistant's reply to `messages`.
    pub fn generate_chat(
        &mut self,
        messages: &[Message],
        sampling: &Sampling,
        on_progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Generation> {
        let prompt = render_chatml(&self.file.chat, messages);
        self.generate(&prompt, sampling, on_progress)
    }

    /// Continue the raw text `prompt` (already chat-formatted).
    pub fn generate(
        &mut self,
        prompt: &str,
        sampling: &Sampling,
        on_progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Generation> {
        let ids = self.tokenizer.encode(prompt)?;
        if ids.is_empty() {
            bail!("empty prompt");
        }
        if ids.len() + sampling.max_new_tokens > self.context_length {
            return Err(ContextOverflow {
                prompt_tokens: ids.len(),
                max_new_tokens: sampling.max_new_tokens,
                context_length: self.context_length,
            }
            .into());
        }
        // Reuse the cached keys/values of the longest common prefix; at least one prompt token is
        // fed so that there are logits to start from.
        let common = self.kv_ids.iter().zip(&ids).take_while(|(a, b)| a == b).count().min(ids.len() - 1);
        let reused = common.min(self.weights.cached_len());
        let stop_ids: Vec<u32> = self
            .file
            .chat
            .stop
            .iter()
            .filter_map(|t| self.tokenizer.id(t))
            .chain([self.tokenizer.im_end, self.tokenizer.endoftext])
            .collect();
        let mut logits_processor = LogitsProcessor::from_sampling(
            sampling.seed,
            if sampling.is_greedy() {
                CandleSampling::ArgMax
            } else {
                match sampling.top_p {
                    Some(p) => CandleSampling::TopP { p, temperature: sampling.temperature },
                    None => CandleSampling::All { temperature: sampling.temperature },
                }
            },
        );
        let err = |e: candle_core::Error| anyhow::anyhow!("model forward pass failed: {e}");

        // Prefill. Until generation ends the cache and `kv_ids` disagree: forget `kv_ids`, so an
        // error never leaves a stale prefix behind.
        self.kv_ids.clear();
        self.weights.truncate(reused).map_err(err)?;
        let t0 = Instant::now();
        let mut logits = None;
        for chunk in ids[reused..].chunks(PREFILL_CHUNK) {
            logits = Some(self.weights.forward(chunk, false).map_err(err)?);
            on_progress(Progress::Prefill { done: self.weights.cached_len(), total: ids.len() });
        }
        let prefill_seconds = t0.elapsed().as_secs_f64();

        // Decode. `seq` is the prompt and then the reply. Invariant: `logits` predicts the token
        // after the last fed one, and the cache holds seq[..n_prompt + fed].
        let t1 = Instant::now();
        let n_prompt = ids.len();
        let mut seq = ids;
        let mut fed = 0;
        let mut text = String::new();
        let mut stop = StopReason::Length;
        let mut logits = logits.expect("at least one chunk").squeeze(0).map_err(err)?;
        let lookahead = if sampling.is_greedy() { self.lookahead } else { 0 };
        let (mut drafted, mut confirmed) = (0, 0);
        // One token accepted: report it, and say whether generation is over.
        let mut accept = |tok: u32, seq: &mut Vec<u32>, text: &mut String, stop: &mut StopReason| -> Result<bool> {
            if stop_ids.contains(&tok) {
                *stop = StopReason::EndOfTurn;
                return Ok(true);
            }
            seq.push(tok);
            let generated = seq.len() - n_prompt;
            // Decoding the whole reply each step keeps multi-byte characters intact; replies are short.
            let full = self.tokenizer.decode(&seq[n_prompt..])?;
            let piece = if full.ends_with('\u{FFFD}') { "" } else { full.get(text.len()..).unwrap_or("") };
            on_progress(Progress::Token { generated, max: sampling.max_new_tokens, piece });
            if !full.ends_with('\u{FFFD}') {
                *text = full;
            }
            if sampling.stop_after_code_block && super::extract::has_complete_code_block(text) {
                *stop = StopReason::CodeBlock;
                return Ok(true);
            }
            Ok(generated == sampling.max_new_tokens)
        };
        loop {
            let next = logits_processor.sample(&logits).map_err(err)?;
            if accept(next, &mut seq, &mut text, &mut stop)? {
                break;
            }
            let draft = lookup_draft(&seq, lookahead.min(sampling.max_new_tokens - (seq.len() - n_prompt)));
            let mut feed = vec![next];
            feed.extend_from_slice(&draft);
            let l = self.weights.forward(&feed, !draft.is_empty()).map_err(err)?;
            fed += 1;
            if draft.is_empty() {
                logits = l.squeeze(0).map_err(err)?;
                continue;
            }
            // row i of `l` predicts the token after feed[i]: keep drafts while they are what
            // greedy decoding would have picked
            let greedy: Vec<u32> = l.argmax(candle_core::D::Minus1).and_then(|t| t.to_vec1()).map_err(err)?;
            let mut kept = 0;
            let mut done = false;
            for (&d, &g) in draft.iter().zip(&greedy) {
                if d != g {
                    break;
                }
                done = accept(d, &mut seq, &mut text, &mut stop)?;
                if stop != StopReason::EndOfTurn {
                    kept += 1;
                }
                if done {
                    break;
                }
            }
            fed += kept;
            drafted += draft.len();
            confirmed += kept;
            self.weights.truncate(n_prompt + fed).map_err(err)?;
            if done {
                break;
            }
            logits = l.i(kept).map_err(err)?;
        }
        let text = self.tokenizer.decode(&seq[n_prompt..])?;
        let generated_tokens = seq.len() - n_prompt;
        // What is in the KV cache now: the prompt and the reply tokens that were fed back.
        seq.truncate(n_prompt + fed);
        debug_assert_eq!(self.weights.cached_len(), seq.len());
        self.kv_ids = seq;
        Ok(Generation {
            text,
            prompt_tokens: n_prompt,
            reused_prompt_tokens: reused,
            generated_tokens,
            drafted_tokens: drafted,
            accepted_draft_tokens: confirmed,
            prefill_seconds,
            decode_seconds: t1.elapsed().as_secs_f64(),
            stop,
            seed: sampling.seed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_draft_continues_the_latest_earlier_occurrence() {
        // ... 1 2 3 9 ... 1 2 3 7 8 ... 1 2 3 -> what followed the latest `1 2 3`
        let seq = [1, 2, 3, 9, 5, 1, 2, 3, 7, 8, 6, 1, 2, 3];
        assert_eq!(lookup_draft(&seq, 2), vec![7, 8]);
        assert_eq!(lookup_draft(&seq, 10), vec![7, 8, 6, 1, 2, 3]);
        // falls back to shorter n-grams; nothing to copy gives no draft
        assert_eq!(lookup_draft(&[4, 5, 6, 0, 5, 6], 3), vec![0, 5, 6]);
        assert!(lookup_draft(&[1, 2, 3, 4], 8).is_empty());
        assert!(lookup_draft(&seq, 0).is_empty());
    }

    #[test]
    fn chatml_adds_default_system_and_opens_assistant_turn() {
        let chat = ChatSpec::default();
        let s = render_chatml(&chat, &[Message::user("hi")]);
        assert_eq!(
            s,
            "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n\
             <|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"
        );
        let s = render_chatml(
            &chat,
            &[
                Message { role: Role::System, content: "S".into() },
                Message::user("u"),
                Message::assistant("a"),
                Message::user("v"),
            ],
        );
        assert_eq!(
            s,
            "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nu<|im_end|>\n\
             <|im_start|>assistant\na<|im_end|>\n<|im_start|>user\nv<|im_end|>\n<|im_start|>assistant\n"
        );
    }
}

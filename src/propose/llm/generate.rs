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
use candle_core::{Device, Tensor};
use candle_transformers::generation::{LogitsProcessor, Sampling as CandleSampling};
use candle_transformers::models::quantized_qwen2::ModelWeights;
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
    weights: ModelWeights,
    /// Tokens whose keys/values are in the KV cache, and their text. A prompt that extends this
    /// text (the same conversation, one more turn) only prefills the new part.
    kv_ids: Vec<u32>,
    kv_text: String,
    pub tokenizer: ModelTokenizer,
    pub context_length: usize,
    pub file: ModelFile,
    device: Device,
}

/// Prompt tokens fed to the model per forward call; keeps prefill progress moving and the
/// attention scratch (heads x chunk x context) small.
const PREFILL_CHUNK: usize = 256;

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
        let weights = ModelWeights::from_gguf(ct, &mut reader, &device)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("cannot load the weights of {}", path.display()))?;
        Ok(Model {
            weights,
            kv_ids: Vec::new(),
            kv_text: String::new(),
            tokenizer,
            context_length,
            file: file.clone(),
            device,
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
        // Continue the cached conversation when the prompt extends it; else start afresh.
        let reuse = !self.kv_ids.is_empty() && prompt.len() > self.kv_text.len() && prompt.starts_with(&self.kv_text);
        let (ids, reused) = if reuse {
            let mut ids = self.kv_ids.clone();
            ids.extend(self.tokenizer.encode(&prompt[self.kv_text.len()..])?);
            let n = self.kv_ids.len();
            (ids, n)
        } else {
            (self.tokenizer.encode(prompt)?, 0)
        };
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

        // Prefill. `forward` at position 0 starts a fresh KV cache. Until this call succeeds the
        // cache is in an unknown state: forget it, so an error never leaves a stale prefix.
        if reused == 0 {
            self.weights.clear_kv_cache();
        }
        self.kv_ids.clear();
        self.kv_text.clear();
        let t0 = Instant::now();
        let mut logits = None;
        let mut pos = reused;
        for chunk in ids[reused..].chunks(PREFILL_CHUNK) {
            let input = Tensor::new(chunk, &self.device).map_err(err)?.unsqueeze(0).map_err(err)?;
            logits = Some(self.weights.forward(&input, pos).map_err(err)?);
            pos += chunk.len();
            on_progress(Progress::Prefill { done: pos, total: ids.len() });
        }
        let prefill_seconds = t0.elapsed().as_secs_f64();

        // Decode.
        let t1 = Instant::now();
        let mut out: Vec<u32> = Vec::new();
        let mut fed = 0;
        let mut text = String::new();
        let mut stop = StopReason::Length;
        let mut logits = logits.expect("at least one chunk");
        while out.len() < sampling.max_new_tokens {
            let l = logits.squeeze(0).map_err(err)?;
            let next = logits_processor.sample(&l).map_err(err)?;
            if stop_ids.contains(&next) {
                stop = StopReason::EndOfTurn;
                break;
            }
            out.push(next);
            // Decoding the whole reply each step keeps multi-byte characters intact; replies are short.
            let full = self.tokenizer.decode(&out)?;
            let piece = if full.ends_with('\u{FFFD}') {
                ""
            } else {
                full.get(text.len()..).unwrap_or("")
            };
            on_progress(Progress::Token {
                generated: out.len(),
                max: sampling.max_new_tokens,
                piece,
            });
            if !full.ends_with('\u{FFFD}') {
                text = full;
            }
            if sampling.stop_after_code_block && super::extract::has_complete_code_block(&text) {
                stop = StopReason::CodeBlock;
                break;
            }
            if out.len() == sampling.max_new_tokens {
                break;
            }
            let input = Tensor::new(&[next], &self.device).map_err(err)?.unsqueeze(0).map_err(err)?;
            logits = self.weights.forward(&input, pos).map_err(err)?;
            pos += 1;
            fed += 1;
        }
        let text = self.tokenizer.decode(&out)?;
        // What is in the KV cache now: the prompt and the reply tokens that were fed back.
        let mut kv_ids = ids.clone();
        kv_ids.extend_from_slice(&out[..fed]);
        let kv_text = format!("{prompt}{}", self.tokenizer.decode(&out[..fed])?);
        debug_assert_eq!(pos, kv_ids.len());
        self.kv_ids = kv_ids;
        self.kv_text = kv_text;
        Ok(Generation {
            text,
            prompt_tokens: ids.len(),
            reused_prompt_tokens: reused,
            generated_tokens: out.len(),
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

//! An OpenAI-compatible chat endpoint (llama.cpp's server, vLLM, Ollama, ...) as a `Completer`,
//! for people with a GPU box: `--llm-url http://gpu-box:8080/v1`. The same prompts, extraction,
//! repair rounds, cache and verification as the in-process model; only the tokens come from
//! elsewhere. No key is needed for a local server; `AIACCEL_LLM_API_KEY` is sent if set.

use super::generate::{Generation, Message, Progress, Role, Sampling, StopReason};
use super::Completer;
use anyhow::{anyhow, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

pub struct Endpoint {
    /// Base URL up to and including `/v1`.
    pub base: String,
    pub model: String,
    pub api_key: Option<String>,
    pub timeout: Duration,
}

#[derive(Serialize, Deserialize)]
struct WireMessage {
    role: String,
    content: String,
}

#[derive(Deserialize)]
struct Reply {
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice {
    message: WireMessage,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize, Default)]
struct Usage {
    #[serde(default)]
    prompt_tokens: usize,
    #[serde(default)]
    completion_tokens: usize,
}

impl Endpoint {
    pub fn new(url: &str, model: &str) -> Result<Endpoint> {
        let base = url.trim_end_matches('/').trim_end_matches("/chat/completions").to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            anyhow::bail!("--llm-url {url:?} is not an http(s) URL\nhint: e.g. --llm-url http://localhost:8080/v1 for llama.cpp's server");
        }
        Ok(Endpoint { base, model: model.to_string(), api_key: std::env::var("AIACCEL_LLM_API_KEY").ok().filter(|k| !k.is_empty()), timeout: Duration::from_secs(600) })
    }
}

fn role(r: Role) -> &'static str {
    match r {
        Role::System => "system",
        Role::User => "user",
        Role::Assistant => "assistant",
    }
}

impl Completer for Endpoint {
    fn model_name(&self) -> String {
        let host = self.base.split("//").nth(1).and_then(|h| h.split('/').next()).unwrap_or("endpoint");
        format!("{}@{host}", self.model)
    }

    fn model_sha256(&self) -> String {
        // not the weights (the server does not say), but the endpoint and model name
        hex::encode(Sha256::digest(format!("endpoint\0{}\0{}", self.base, self.model).as_bytes()))
    }

    fn render(&self, messages: &[Message]) -> String {
        // the "prompt" is the message list itself: the server applies its own chat template
        let wire: Vec<WireMessage> = messages.iter().map(|m| WireMessage { role: role(m.role).into(), content: m.content.clone() }).collect();
        serde_json::to_string(&wire).unwrap_or_default()
    }

    fn complete(&mut self, prompt: &str, sampling: &Sampling, on_progress: &mut dyn FnMut(Progress<'_>)) -> Result<Generation> {
        let messages: Vec<WireMessage> = serde_json::from_str(prompt).context("rendering the chat for the endpoint")?;
        let mut body = serde_json::json!({
            "model": self.model,
            "messages": messages,
            "temperature": sampling.temperature,
            "seed": sampling.seed,
            "max_tokens": sampling.max_new_tokens,
            "stream": false,
        });
        if let Some(p) = sampling.top_p {
            body["top_p"] = serde_json::json!(p);
        }
        let url = format!("{}/chat/completions", self.base);
        let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(Some(self.timeout)).http_status_as_error(false).build().into();
        let mut req = agent.post(&url).header("Content-Type", "application/json");
        if let Some(k) = &self.api_key {
            req = req.header("Authorization", &format!("Bearer {k}"));
        }
        let started = Instant::now();
        let mut resp = req.send_json(&body).map_err(|e| {
            anyhow!("the model endpoint {url} did not answer: {e}\nhint: is the server running? e.g. `llama-server -m model.gguf --port 8080`, then --llm-url http://localhost:8080/v1")
        })?;
        let status = resp.status();
        let text = resp.body_mut().read_to_string().context("reading the endpoint's reply")?;
        if !status.is_success() {
            anyhow::bail!("the model endpoint {url} answered {status}: {}\nhint: check --llm-model (the server's model name) and the URL", crate::python::tail(&text, 400));
        }
        let reply: Reply = serde_json::from_str(&text).with_context(|| format!("the endpoint's reply is not an OpenAI chat completion: {}", crate::python::tail(&text, 300)))?;
        let choice = reply.choices.into_iter().next().ok_or_else(|| anyhow!("the endpoint returned no choices"))?;
        let usage = reply.usage.unwrap_or_default();
        let secs = started.elapsed().as_secs_f64();
        on_progress(Progress::Token { generated: usage.completion_tokens, max: sampling.max_new_tokens, piece: &choice.message.content });
        Ok(Generation {
            text: choice.message.content,
            prompt_tokens: usage.prompt_tokens,
            reused_prompt_tokens: 0,
            generated_tokens: usage.completion_tokens,
            drafted_tokens: 0,
            accepted_draft_tokens: 0,
            prefill_seconds: 0.0,
            decode_seconds: secs,
            stop: if choice.finish_reason.as_deref() == Some("length") { StopReason::Length } else { StopReason::EndOfTurn },
            seed: sampling.seed,
        })
    }
}

//! The model's tokenizer, rebuilt from the GGUF metadata so no separate `tokenizer.json` is needed.
//!
//! Qwen2 GGUFs carry a GPT-2 style byte-level BPE (`tokenizer.ggml.model = gpt2`, `pre = qwen2`):
//! the vocabulary, the merges and a type per token. We rebuild what Hugging Face's
//! `tokenizer.json` for Qwen2 says: NFC, a regex split, byte-level mapping, BPE, and the control
//! tokens (`<|im_start|>`, `<|im_end|>`, `<|endoftext|>`, ...) as special added tokens that are
//! matched before BPE. It must never guess: an unknown tokenizer model or pre-tokenizer is an error,
//! because a near-miss tokenizer silently degrades every generation.

use anyhow::{bail, Context, Result};
use candle_core::quantized::gguf_file::{Content, Value};
use tokenizers::decoders::byte_level::ByteLevel as ByteLevelDecoder;
use tokenizers::models::bpe::{Vocab, BPE};
use tokenizers::normalizers::unicode::NFC;
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::pre_tokenizers::sequence::Sequence;
use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
use tokenizers::{AddedToken, SplitDelimiterBehavior, Tokenizer};

/// The pre-tokenizer split of Qwen2 (Hugging Face `tokenizer.json`, `pre_tokenizer.pretokenizers[0]`):
/// contractions, letter runs with one leading non-letter, single digits, punctuation runs, newlines,
/// and whitespace that is not followed by a non-space (so `"    return"` splits as `"   "`, `" return"`).
pub const QWEN2_SPLIT: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// GGUF token types (llama.cpp `llama_token_type`).
const TOKEN_TYPE_CONTROL: i32 = 3;
const TOKEN_TYPE_USER_DEFINED: i32 = 4;

/// A tokenizer plus the ids the chat loop needs.
pub struct ModelTokenizer {
    pub tokenizer: Tokenizer,
    /// `<|im_start|>`.
    pub im_start: u32,
    /// `<|im_end|>`: ends an assistant turn.
    pub im_end: u32,
    /// `<|endoftext|>`: ends a document.
    pub endoftext: u32,
}

impl ModelTokenizer {
    /// Token ids of `text`; special tokens written in the text (`<|im_start|>`) become their ids.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>> {
        let enc = self
            .tokenizer
            .encode_fast(text, false)
            .map_err(|e| anyhow::anyhow!("tokenizer failed: {e}"))?;
        Ok(enc.get_ids().to_vec())
    }

    /// Text of `ids`, special tokens included.
    pub fn decode(&self, ids: &[u32]) -> Result<String> {
        self.tokenizer
            .decode(ids, false)
            .map_err(|e| anyhow::anyhow!("tokenizer failed: {e}"))
    }

    pub fn id(&self, token: &str) -> Option<u32> {
        self.tokenizer.token_to_id(token)
    }
}

/// The tokenizer of a GGUF file, without loading its weights.
pub fn load(path: &std::path::Path) -> Result<ModelTokenizer> {
    let mut f = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let ct = Content::read(&mut f)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("{} is not a readable GGUF file", path.display()))?;
    from_gguf(&ct).with_context(|| format!("cannot build the tokenizer of {}", path.display()))
}

fn md<'a>(ct: &'a Content, key: &str) -> Result<&'a Value> {
    ct.metadata.get(key).with_context(|| format!("GGUF metadata has no `{key}`"))
}

fn md_str<'a>(ct: &'a Content, key: &str) -> Result<&'a str> {
    Ok(md(ct, key)?.to_string().map_err(|e| anyhow::anyhow!("`{key}`: {e}"))?.as_str())
}

fn md_array<'a>(ct: &'a Content, key: &str) -> Result<&'a Vec<Value>> {
    md(ct, key)?.to_vec().map_err(|e| anyhow::anyhow!("`{key}`: {e}"))
}

/// Build the tokenizer from a GGUF's metadata.
pub fn from_gguf(ct: &Content) -> Result<ModelTokenizer> {
    let model = md_str(ct, "tokenizer.ggml.model")?;
    if model != "gpt2" {
        bail!("unsupported tokenizer model `{model}` (only byte-level BPE, `gpt2`, is implemented)");
    }
    // Older Qwen2 conversions omit `pre`; anything else named here would need a different split.
    if let Some(pre) = ct.metadata.get("tokenizer.ggml.pre").and_then(|v| v.to_string().ok()) {
        if pre != "qwen2" {
            bail!("unsupported pre-tokenizer `{pre}` (only `qwen2` is implemented)");
        }
    }

    let tokens = md_array(ct, "tokenizer.ggml.tokens")?;
    let types = match ct.metadata.get("tokenizer.ggml.token_type") {
        Some(v) => Some(v.to_vec().map_err(|e| anyhow::anyhow!("token_type: {e}"))?),
        None => None,
    };
    let merges = md_array(ct, "tokenizer.ggml.merges")?;

    let mut vocab = Vocab::default();
    let mut added: Vec<(u32, AddedToken)> = Vec::new();
    for (id, tok) in tokens.iter().enumerate() {
        let id = id as u32;
        let text = tok.to_string().map_err(|e| anyhow::anyhow!("token {id}: {e}"))?;
        let ty = match types {
            Some(t) => t
                .get(id as usize)
                .context("token_type is shorter than tokens")?
                .to_i32()
                .map_err(|e| anyhow::anyhow!("token_type {id}: {e}"))?,
            None => 1,
        };
        match ty {
            TOKEN_TYPE_CONTROL => added.push((id, AddedToken::from(text.clone(), true))),
            TOKEN_TYPE_USER_DEFINED => added.push((id, AddedToken::from(text.clone(), false))),
            _ => {}
        }
        vocab.insert(text.clone(), id);
    }
    let merges = merges
        .iter()
        .map(|m| {
            let s = m.to_string().map_err(|e| anyhow::anyhow!("merge: {e}"))?;
            // Byte-level symbols never contain a space (space is `Ġ`), so one space separates the pair.
            let (a, b) = s.split_once(' ').with_context(|| format!("malformed merge `{s}`"))?;
            Ok((a.to_string(), b.to_string()))
        })
        .collect::<Result<Vec<_>>>()?;

    let bpe = BPE::builder()
        .vocab_and_merges(vocab, merges)
        .build()
        .map_err(|e| anyhow::anyhow!("cannot build BPE from GGUF: {e}"))?;
    let mut tokenizer = Tokenizer::new(bpe);
    let split = Split::new(
        SplitPattern::Regex(QWEN2_SPLIT.into()),
        SplitDelimiterBehavior::Isolated,
        false,
    )
    .map_err(|e| anyhow::anyhow!("split regex: {e}"))?;
    tokenizer
        .with_normalizer(Some(NFC))
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .with_pre_tokenizer(Some(Sequence::new(vec![
            split.into(),
            ByteLevel::new(false, false, false).into(),
        ])))
        .with_decoder(Some(ByteLevelDecoder::new(false, false, false)));
    // Added tokens already in the vocabulary keep their ids; specials are split out before BPE.
    let (special, normal): (Vec<_>, Vec<_>) = added.into_iter().partition(|(_, t)| t.special);
    tokenizer
        .add_special_tokens(special.into_iter().map(|(_, t)| t))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    tokenizer
        .add_tokens(normal.into_iter().map(|(_, t)| t))
        .map_err(|e| anyhow::anyhow!("{e}"))?;

    let need = |t: &str| {
        tokenizer
            .token_to_id(t)
            .with_context(|| format!("the GGUF vocabulary has no `{t}`: not a Qwen2 chat model"))
    };
    Ok(ModelTokenizer {
        im_start: need("<|im_start|>")?,
        im_end: need("<|im_end|>")?,
        endoftext: need("<|endoftext|>")?,
        tokenizer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::quantized::gguf_file;
    use std::io::Cursor;

    /// A toy GGUF: the 256 byte-level symbols, two merges, the three chat control tokens.
    fn toy_gguf() -> Content {
        let mut alphabet: Vec<char> = ByteLevel::alphabet().into_iter().collect();
        alphabet.sort();
        let mut tokens: Vec<String> = alphabet.iter().map(|c| c.to_string()).collect();
        tokens.extend(["de".to_string(), "def".to_string()]);
        let mut types = vec![1i32; tokens.len()];
        for t in ["<|endoftext|>", "<|im_start|>", "<|im_end|>"] {
            tokens.push(t.to_string());
            types.push(TOKEN_TYPE_CONTROL);
        }
        let s = |v: &str| Value::String(v.to_string());
        let md: Vec<(&str, Value)> = vec![
            ("tokenizer.ggml.model", s("gpt2")),
            ("tokenizer.ggml.pre", s("qwen2")),
            ("tokenizer.ggml.tokens", Value::Array(tokens.iter().map(|t| s(t)).collect())),
            ("tokenizer.ggml.token_type", Value::Array(types.into_iter().map(Value::I32).collect())),
            ("tokenizer.ggml.merges", Value::Array(vec![s("d e"), s("de f")])),
        ];
        let refs: Vec<(&str, &Value)> = md.iter().map(|(k, v)| (*k, v)).collect();
        let mut buf = Cursor::new(Vec::new());
        gguf_file::write(&mut buf, &refs, &[]).unwrap();
        buf.set_position(0);
        Content::read(&mut buf).unwrap()
    }

    #[test]
    fn builds_byte_level_bpe_with_special_tokens_from_metadata() {
        let tok = from_gguf(&toy_gguf()).unwrap();
        assert_eq!((tok.endoftext, tok.im_start, tok.im_end), (258, 259, 260));
        let ids = tok.encode("<|im_start|>def f<|im_end|>").unwrap();
        let def = tok.id("def").unwrap();
        let space = tok.id("Ġ").unwrap();
        let f = tok.id("f").unwrap();
        assert_eq!(ids, vec![259, def, space, f, 260]);
        for text in ["déf ü 🚀\n\tx = 1\r\n", "<|im_end|><|endoftext|>  \n"] {
            assert_eq!(tok.decode(&tok.encode(text).unwrap()).unwrap(), text);
        }
    }

    #[test]
    fn refuses_other_tokenizers() {
        let mut ct = toy_gguf();
        ct.metadata.insert("tokenizer.ggml.pre".into(), Value::String("llama-bpe".into()));
        let err = from_gguf(&ct).err().unwrap().to_string();
        assert_eq!(err, "unsupported pre-tokenizer `llama-bpe` (only `qwen2` is implemented)");
        ct.metadata.insert("tokenizer.ggml.model".into(), Value::String("llama".into()));
        assert!(from_gguf(&ct).is_err());
    }
}

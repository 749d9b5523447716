//! Cache of model generations, so a re-run over the same functions is instant.
//!
//! The key is sha256 over (cache format, model sha256, the exact prompt text, the sampling
//! parameters); a change to any of them is a miss. Entries are JSON files written atomically; an
//! unreadable entry is treated as a miss, never as an error. The cache must never return a
//! generation for a different model or prompt.

use super::generate::{Generation, Sampling};
use anyhow::{Context, Result};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Bump when `Generation` or the key changes shape.
const FORMAT: u32 = 1;

pub struct GenerationCache {
    dir: PathBuf,
}

#[derive(Serialize)]
struct KeyInput<'a> {
    format: u32,
    model_sha256: &'a str,
    prompt: &'a str,
    sampling: &'a Sampling,
}

impl GenerationCache {
    /// Entries live in `<cache_root>/generations`.
    pub fn new(cache_root: &Path) -> Self {
        GenerationCache { dir: cache_root.join("generations") }
    }

    pub fn key(model_sha256: &str, prompt: &str, sampling: &Sampling) -> String {
        let input = KeyInput { format: FORMAT, model_sha256, prompt, sampling };
        let json = serde_json::to_vec(&input).expect("key input serialises");
        hex::encode(Sha256::digest(&json))
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.json"))
    }

    pub fn get(&self, key: &str) -> Option<Generation> {
        let text = std::fs::read(self.path(key)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    pub fn put(&self, key: &str, generation: &Generation) -> Result<()> {
        let path = self.path(key);
        let dir = path.parent().expect("has a parent");
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)
            .with_context(|| format!("cannot write in {}", dir.display()))?;
        tmp.write_all(&serde_json::to_vec_pretty(generation)?)?;
        tmp.persist(&path)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propose::llm::generate::StopReason;

    fn generation(text: &str) -> Generation {
        Generation {
            text: text.into(),
            prompt_tokens: 10,
            reused_prompt_tokens: 0,
            generated_tokens: 3,
            drafted_tokens: 0,
            accepted_draft_tokens: 0,
            prefill_seconds: 0.5,
            decode_seconds: 0.25,
            stop: StopReason::CodeBlock,
            seed: 7,
        }
    }

    #[test]
    fn round_trips_and_keys_on_model_prompt_and_sampling() {
        let dir = tempfile::tempdir().unwrap();
        let cache = GenerationCache::new(dir.path());
        let greedy = Sampling::greedy(100);
        let k = GenerationCache::key("aa", "prompt", &greedy);
        assert!(cache.get(&k).is_none());
        cache.put(&k, &generation("out")).unwrap();
        assert_eq!(cache.get(&k).unwrap().text, "out");

        assert_ne!(k, GenerationCache::key("bb", "prompt", &greedy));
        assert_ne!(k, GenerationCache::key("aa", "prompt!", &greedy));
        assert_ne!(k, GenerationCache::key("aa", "prompt", &Sampling::greedy(101)));
        assert_ne!(k, GenerationCache::key("aa", "prompt", &Sampling::sampled(0.7, 1, 100)));
        assert_ne!(
            GenerationCache::key("aa", "prompt", &Sampling::sampled(0.7, 1, 100)),
            GenerationCache::key("aa", "prompt", &Sampling::sampled(0.7, 2, 100))
        );
    }

    #[test]
    fn corrupt_entry_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = GenerationCache::new(dir.path());
        let k = GenerationCache::key("aa", "p", &Sampling::greedy(1));
        cache.put(&k, &generation("x")).unwrap();
        std::fs::write(cache.path(&k), b"{not json").unwrap();
        assert!(cache.get(&k).is_none());
    }
}

//! The run journal behind `rewrite --resume`: one JSON line per finished function, appended and
//! flushed to disk as each function ends, in aiaccel's cache dir (never in the repository).
//!
//! A run killed at any moment (SIGKILL included) leaves at worst a torn last line, which is
//! ignored. The key covers the repository, its HEAD and the settings that change results, so a
//! resume never reuses results made for other code or other settings.

use crate::report::FunctionReport;
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub struct Journal {
    path: PathBuf,
    file: Option<std::fs::File>,
    /// Finished functions from an earlier run, by `path::qualname`.
    pub done: BTreeMap<String, FunctionReport>,
    /// Why the journal could not be written, if so (the run goes on without it).
    pub warning: Option<String>,
}

pub fn key(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    h.finalize().iter().take(10).map(|b| format!("{b:02x}")).collect()
}

/// The key of a run: the repository's canonical root, its HEAD, the functions to do and the
/// whole serialized config (every flag that changes results; see `cli`).
pub fn run_key(config: &impl serde::Serialize, root: &str, head: &str, ids: &[String]) -> String {
    let config = serde_json::to_string(config).unwrap_or_default();
    key(&[root, head, &ids.join(","), &config])
}

pub fn entry_id(path: &str, qualname: &str) -> String {
    format!("{path}::{qualname}")
}

impl Journal {
    /// Open the journal for `key` under `dir`. With `resume`, earlier entries are loaded and kept;
    /// without, the journal starts empty.
    pub fn open(dir: &Path, key: &str, resume: bool) -> Journal {
        let path = dir.join("runs").join(format!("{key}.jsonl"));
        let mut done = BTreeMap::new();
        if resume {
            if let Ok(text) = std::fs::read_to_string(&path) {
                for line in text.lines() {
                    // a torn last line (killed mid-write) does not parse and is skipped
                    if let Ok(fr) = serde_json::from_str::<FunctionReport>(line) {
                        done.insert(entry_id(&fr.path, &fr.function), fr);
                    }
                }
            }
        }
        let opened = (|| -> Result<std::fs::File> {
            std::fs::create_dir_all(path.parent().unwrap()).with_context(|| format!("creating {}", path.parent().unwrap().display()))?;
            let f = std::fs::OpenOptions::new().create(true).append(resume).write(true).truncate(!resume).open(&path).with_context(|| format!("opening {}", path.display()))?;
            Ok(f)
        })();
        match opened {
            Ok(f) => Journal { path, file: Some(f), done, warning: None },
            Err(e) => Journal {
                path,
                file: None,
                done,
                warning: Some(format!("the run journal cannot be written, so --resume will not be able to skip this run's work: {e:#}\nhint: check free space and permissions of the cache dir, or set AIACCEL_CACHE_DIR")),
            },
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Record a finished function; a write failure (disk full) turns into a warning, once.
    pub fn record(&mut self, fr: &FunctionReport) {
        let Some(f) = self.file.as_mut() else { return };
        let line = match serde_json::to_string(fr) {
            Ok(l) => l,
            Err(_) => return,
        };
        let res = f.write_all(format!("{line}\n").as_bytes()).and_then(|_| f.sync_data());
        if let Err(e) = res {
            self.warning = Some(format!("the run journal {} could not be written ({e}); --resume will redo the rest\nhint: free some disk space in the cache dir", self.path.display()));
            self.file = None;
        }
    }
}

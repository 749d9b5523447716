//! Where aiaccel keeps its own files: the cache dir (managed venv, models, captured inputs).
//! Never inside the user's repository.

use std::path::PathBuf;

/// `$AIACCEL_CACHE_DIR`, else the XDG cache dir (`~/.cache/aiaccel`), else a temp dir.
pub fn cache_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("AIACCEL_CACHE_DIR") {
        return PathBuf::from(p);
    }
    dirs::cache_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("aiaccel")
}

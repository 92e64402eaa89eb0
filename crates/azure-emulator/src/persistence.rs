//! Durable state: every acknowledged write is a whole-state snapshot written to a temporary file,
//! fsynced, and renamed over `state.json`, so `kill -9` at any instant leaves the old or the new
//! state, never a torn one.

use crate::error::{EmulatorError, Result};
use crate::model::State;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

pub struct Store {
    current: RwLock<Arc<State>>,
    file: Option<PathBuf>,
    writer: Mutex<()>,
}

impl Store {
    /// Opens the store in `dir` (loading `state.json` if present), or in memory without a dir.
    pub fn open(dir: Option<&Path>) -> Result<(Store, bool)> {
        let file = dir.map(|d| d.join("state.json"));
        let loaded = match &file {
            Some(f) if f.exists() => {
                let bytes = fs::read(f).map_err(|e| EmulatorError::Persistence(format!("{}: {e}", f.display())))?;
                Some(
                    serde_json::from_slice(&bytes)
                        .map_err(|e| EmulatorError::Persistence(format!("{}: {e}", f.display())))?,
                )
            }
            _ => None,
        };
        let existed = loaded.is_some();
        let store = Store { current: RwLock::new(Arc::new(loaded.unwrap_or_default())), file, writer: Mutex::new(()) };
        Ok((store, existed))
    }

    pub fn read(&self) -> Arc<State> {
        self.current.read().expect("state lock").clone()
    }

    /// Applies `op` to a copy of the state; persists and publishes the copy only if `op` succeeds.
    pub fn write<T>(&self, op: impl FnOnce(&mut State) -> Result<T>) -> Result<T> {
        let _guard = self.writer.lock().expect("writer lock");
        let mut next = (*self.read()).clone();
        let out = op(&mut next)?;
        if let Some(f) = &self.file {
            let bytes = serde_json::to_vec(&next).map_err(|e| EmulatorError::Persistence(e.to_string()))?;
            write_atomically(f, &bytes)?;
        }
        *self.current.write().expect("state lock") = Arc::new(next);
        Ok(out)
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let err = |e: std::io::Error| EmulatorError::Persistence(format!("{}: {e}", path.display()));
    let tmp = path.with_extension("json.tmp");
    let mut f = File::create(&tmp).map_err(err)?;
    f.write_all(bytes).map_err(err)?;
    f.sync_all().map_err(err)?;
    fs::rename(&tmp, path).map_err(err)?;
    if let Some(dir) = path.parent() {
        File::open(dir).and_then(|d| d.sync_all()).map_err(err)?;
    }
    Ok(())
}

/// Writes a file only its owner can read (keys, the admin key).
pub fn write_private_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let err = |e: std::io::Error| EmulatorError::Persistence(format!("{}: {e}", path.display()));
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path).map_err(err)?;
    f.write_all(bytes).map_err(err)?;
    f.sync_all().map_err(err)
}

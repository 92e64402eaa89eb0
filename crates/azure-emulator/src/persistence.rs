//! Durable state: every acknowledged write is a whole-state snapshot written to a temporary file,
//! fsynced, and renamed over `state.json`, so `kill -9` at any instant leaves the old or the new
//! state, never a torn one.
//!
//! A panicking operation runs on a private copy, so it leaves nothing half-done; the locks here are
//! taken poison-tolerant, so one failed request never turns into an outage for everyone.

use crate::error::{EmulatorError, Result};
use crate::model::State;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

pub struct Store {
    current: RwLock<Arc<State>>,
    file: Option<PathBuf>,
    writer: Mutex<()>,
    /// Counts published writes, so a watcher (the data plane) wakes on a write instead of polling.
    writes: Mutex<u64>,
    written: Condvar,
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
        let loaded = loaded.map(|mut s: State| {
            s.knobs.sanitize();
            s
        });
        let store = Store {
            current: RwLock::new(Arc::new(loaded.unwrap_or_default())),
            file,
            writer: Mutex::new(()),
            writes: Mutex::new(0),
            written: Condvar::new(),
        };
        Ok((store, existed))
    }

    /// The current state: one consistent snapshot, however long the caller holds it.
    pub fn read(&self) -> Arc<State> {
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Applies `op` to a copy of the state; persists and publishes the copy only if `op` succeeds.
    pub fn write<T>(&self, op: impl FnOnce(&mut State) -> Result<T>) -> Result<T> {
        self.commit(op).map(|(out, _)| out)
    }

    /// `write`, also returning the snapshot the write published, so a handler renders exactly what
    /// it wrote and never re-reads a state another request may have changed since.
    pub fn commit<T>(&self, op: impl FnOnce(&mut State) -> Result<T>) -> Result<(T, Arc<State>)> {
        let _guard = lock(&self.writer);
        let mut next = (*self.read()).clone();
        let out = op(&mut next)?;
        if let Some(f) = &self.file {
            let bytes = serde_json::to_vec(&next).map_err(|e| EmulatorError::Persistence(e.to_string()))?;
            write_atomically(f, &bytes)?;
        }
        let next = Arc::new(next);
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = next.clone();
        *lock(&self.writes) += 1;
        self.written.notify_all();
        Ok((out, next))
    }

    /// Waits until a write after the one numbered `seen` is published, or `timeout` passes;
    /// returns the number of the latest write.
    pub fn wait_for_write(&self, seen: u64, timeout: Duration) -> u64 {
        let guard = lock(&self.writes);
        let (guard, _) =
            self.written.wait_timeout_while(guard, timeout, |n| *n == seen).unwrap_or_else(PoisonError::into_inner);
        *guard
    }
}

/// Takes a mutex whatever an earlier holder did: every value guarded in this crate is either
/// replaced whole or valid after each single update, so a panic elsewhere leaves nothing torn.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
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
    // The mode above applies only to a new file; one left by an older version is narrowed too.
    #[cfg(unix)]
    f.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600)).map_err(err)?;
    f.write_all(bytes).map_err(err)?;
    f.sync_all().map_err(err)
}

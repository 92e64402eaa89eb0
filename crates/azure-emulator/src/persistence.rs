//! Durable state. A write works on a private copy of the state (O(1): its tables are persistent
//! maps), appends what it changed to a log and fsyncs it, and only then publishes the copy; `kill
//! -9` at any instant loses no acknowledged write. The log is compacted into a snapshot in the
//! background (`durable`).
//!
//! A panicking operation runs on a private copy, so it leaves nothing half-done; the locks here are
//! taken poison-tolerant, so one failed request never turns into an outage for everyone.

mod durable;
mod log;
mod replay;
mod snapshot;
#[cfg(test)]
mod tests;

use crate::error::{EmulatorError, Result};
use crate::model::State;
use durable::Durable;
pub use durable::{load, Policy};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

pub struct Store {
    current: RwLock<Arc<State>>,
    /// Held for a whole write, so writes apply one at a time; `None` keeps state in memory.
    writer: Mutex<Option<Durable>>,
    /// Counts published writes, so a watcher (the data plane) wakes on a write instead of polling.
    writes: Mutex<u64>,
    written: Condvar,
}

impl Store {
    /// Opens the store in `dir` (loading its snapshot and log), or in memory without a dir; says
    /// whether the state had been written before.
    pub fn open(dir: Option<&Path>) -> Result<(Store, bool)> {
        Store::open_with(dir, Policy::from_env())
    }

    pub fn open_with(dir: Option<&Path>, policy: Policy) -> Result<(Store, bool)> {
        let (durable, state) = match dir {
            Some(d) => {
                let (durable, state) = Durable::open(d, policy)?;
                (Some(durable), state)
            }
            None => (None, State::default()),
        };
        let existed = !state.is_blank();
        let store = Store {
            current: RwLock::new(Arc::new(state)),
            writer: Mutex::new(durable),
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
        let mut durable = lock(&self.writer);
        let before = self.read();
        let mut next = (*before).clone();
        let out = op(&mut next)?;
        if next.seq != before.seq {
            // Changes are found through the tables' touched keys; a state swapped in whole has none.
            return Err(EmulatorError::Internal("a write replaced the state instead of changing it".into()));
        }
        let changes = next.take_changes(&before).map_err(|e| EmulatorError::Persistence(e.to_string()))?;
        if !changes.is_empty() {
            next.seq = before.seq + 1;
            if let Some(d) = durable.as_mut() {
                d.append(next.seq, changes)?;
            }
        }
        let next = Arc::new(next);
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = next.clone();
        *lock(&self.writes) += 1;
        self.written.notify_all();
        if let Some(d) = durable.as_mut() {
            d.after_publish(&next);
        }
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

    /// Waits for a background compaction to finish, if one runs.
    pub fn settle(&self) {
        if let Some(d) = lock(&self.writer).as_mut() {
            d.settle();
        }
    }
}

/// Takes a mutex whatever an earlier holder did: every value guarded in this crate is either
/// replaced whole or valid after each single update, so a panic elsewhere leaves nothing torn.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
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

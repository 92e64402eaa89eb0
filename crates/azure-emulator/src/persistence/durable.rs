//! The on-disk side of the store: appends each write to the log, and compacts the log into a
//! snapshot in the background once it outgrows a share of the snapshot, so both a write's cost and
//! the time to reopen stay bounded whatever the size of the state.

use super::log::{Record, Segment};
use super::replay::recover;
use super::snapshot;
use crate::error::Result;
use crate::model::table::Change;
use crate::model::State;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

/// When the log since the last snapshot grows past the larger of these, it is compacted.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub min_log_bytes: u64,
    /// Log bytes allowed per snapshot byte: replaying JSON changes costs about as much per byte
    /// as loading the snapshot, so this bounds a restart to about (1 + ratio) snapshot loads.
    pub ratio: f64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { min_log_bytes: 4 << 20, ratio: 0.5 }
    }
}

impl Policy {
    /// The default, with the log threshold taken from `ISTHMUS_EMULATOR_COMPACT_AT_BYTES` when set
    /// (tests set a small one so compactions happen, and get killed, often).
    pub fn from_env() -> Policy {
        let min = std::env::var("ISTHMUS_EMULATOR_COMPACT_AT_BYTES").ok().and_then(|v| v.parse().ok());
        match min {
            Some(min_log_bytes) => Policy { min_log_bytes, ..Policy::default() },
            None => Policy::default(),
        }
    }
}

pub struct Durable {
    dir: PathBuf,
    segment: Segment,
    policy: Policy,
    snapshot_bytes: u64,
    /// Log bytes written since the newest snapshot's state.
    logged: u64,
    compaction: Option<JoinHandle<Result<u64>>>,
}

impl Durable {
    /// Loads `dir` (snapshot, then the log) and makes it ready for appending.
    pub fn open(dir: &Path, policy: Policy) -> Result<(Durable, State)> {
        let rec = recover(dir)?;
        let snapshot_bytes = match rec.snapshot_bytes {
            Some(len) => len,
            // A fresh directory: an empty snapshot marks it as the emulator's.
            None if rec.tail.is_none() => snapshot::write(dir, &rec.state)?,
            None => 0,
        };
        let segment = match &rec.tail {
            Some((path, valid)) => Segment::open(path, *valid)?,
            None => Segment::create(dir, rec.state.seq + 1)?,
        };
        let durable =
            Durable { dir: dir.to_path_buf(), segment, policy, snapshot_bytes, logged: rec.logged, compaction: None };
        Ok((durable, rec.state))
    }

    /// Makes write `seq` durable; it may be acknowledged once this returns.
    pub fn append(&mut self, seq: u64, changes: Vec<Change>) -> Result<()> {
        self.logged += self.segment.append(&Record { seq, changes })?;
        Ok(())
    }

    /// After `published` (the state as of its last logged write) is visible: starts a compaction
    /// if the log has outgrown the policy and none is running. The log moves on to a new segment
    /// first, so the snapshot covers exactly the segments before it.
    pub fn after_publish(&mut self, published: &Arc<State>) {
        if self.compaction.as_ref().is_some_and(|c| !c.is_finished()) {
            return;
        }
        self.collect();
        let limit = self.policy.min_log_bytes.max((self.snapshot_bytes as f64 * self.policy.ratio) as u64);
        if self.logged <= limit {
            return;
        }
        match Segment::create(&self.dir, published.seq + 1) {
            Ok(seg) => self.segment = seg,
            Err(e) => {
                tracing::warn!("compaction postponed: {e}");
                return;
            }
        }
        self.logged = 0;
        let (dir, state) = (self.dir.clone(), published.clone());
        self.compaction = Some(std::thread::spawn(move || snapshot::compact(&dir, &state)));
    }

    /// Waits for a running compaction, if any.
    pub fn settle(&mut self) {
        if let Some(c) = &self.compaction {
            while !c.is_finished() {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        }
        self.collect();
    }

    /// Takes a finished compaction's outcome; a failed one is retried at the next threshold.
    fn collect(&mut self) {
        match self.compaction.take().map(|c| c.join()) {
            Some(Ok(Ok(len))) => self.snapshot_bytes = len,
            Some(Ok(Err(e))) => tracing::warn!("compaction failed: {e}"),
            Some(Err(_)) => tracing::warn!("compaction panicked"),
            None => {}
        }
    }
}

/// The state in `dir` as of its last durable write, without changing anything there; retried
/// when a compaction of a running emulator removed a segment under it.
pub fn load(dir: &Path) -> Result<State> {
    let mut retries = 0;
    loop {
        match recover(dir) {
            Ok(r) => return Ok(r.state),
            Err(_) if retries < 2 => retries += 1,
            Err(e) => return Err(e),
        }
    }
}

//! Rebuilding the state from disk: the snapshot (or a legacy `state.json`, which reads as a
//! snapshot at sequence 0), then every logged write after it, in order and without gaps.

use super::log::{self, err};
use super::snapshot;
use crate::error::Result;
use crate::model::State;
use std::path::{Path, PathBuf};

pub struct Recovered {
    pub state: State,
    pub snapshot_bytes: Option<u64>,
    /// The newest segment and the length of its intact prefix.
    pub tail: Option<(PathBuf, u64)>,
    /// Bytes of log replayed after the snapshot.
    pub logged: u64,
}

pub fn recover(dir: &Path) -> Result<Recovered> {
    let (mut state, snapshot_bytes) = match snapshot::load(dir)? {
        Some((s, len)) => (s, Some(len)),
        None => (State::default(), None),
    };
    let segments = log::segments(dir)?;
    let mut tail = None;
    let mut logged = 0;
    for (i, (_, path)) in segments.iter().enumerate() {
        let newest = i + 1 == segments.len();
        let (records, valid) = log::read(path, newest)?;
        for rec in records {
            if rec.seq <= state.seq {
                continue; // already in the snapshot: compaction stopped before removing its segment
            }
            if rec.seq != state.seq + 1 {
                return Err(err(path, format!("write {} follows write {}: the log has a gap", rec.seq, state.seq)));
            }
            for change in rec.changes {
                state.apply_change(change).map_err(|e| err(path, e))?;
            }
            state.seq = rec.seq;
        }
        logged += valid;
        if newest {
            tail = Some((path.clone(), valid));
        }
    }
    state.knobs.sanitize();
    state.peer_index = crate::model::peer_index::PeerIndex::build(&state.virtual_networks);
    Ok(Recovered { state, snapshot_bytes, tail, logged })
}

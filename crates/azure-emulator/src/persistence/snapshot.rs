//! Snapshots: the whole state in `state.json` (a plain `State`, as earlier versions wrote it, plus
//! the `seq` of the last write it holds), replaced atomically. Compaction writes one from an
//! immutable published state and only then drops the log segments it covers, so a crash at any
//! step leaves a snapshot plus segments that together hold every acknowledged write.

use super::log::{err, segments};
use crate::error::Result;
use crate::model::State;
use std::fs::{self, File, OpenOptions};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

pub const FILE: &str = "state.json";

pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// The snapshot and its size in bytes, if there is one.
pub fn load(dir: &Path) -> Result<Option<(State, u64)>> {
    let path = path(dir);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err(&path, e)),
    };
    let state = serde_json::from_slice(&bytes).map_err(|e| err(&path, e))?;
    Ok(Some((state, bytes.len() as u64)))
}

/// Writes `state` as the snapshot (temporary file, fsync, rename, fsync of the directory); owner
/// read/write only, since the state holds credential hashes. Returns its size in bytes.
pub fn write(dir: &Path, state: &State) -> Result<u64> {
    let path = path(dir);
    let tmp = path.with_extension("json.tmp");
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let file = opts.open(&tmp).map_err(|e| err(&tmp, e))?;
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600)).map_err(|e| err(&tmp, e))?;
    let mut out = BufWriter::new(file);
    serde_json::to_writer(&mut out, state).map_err(|e| err(&tmp, e))?;
    let file = out.into_inner().map_err(|e| err(&tmp, e.error()))?;
    file.sync_all().map_err(|e| err(&tmp, e))?;
    let len = file.metadata().map_err(|e| err(&tmp, e))?.len();
    fs::rename(&tmp, &path).map_err(|e| err(&path, e))?;
    sync_dir(dir)?;
    Ok(len)
}

/// Snapshots `state` (whose log continues in a segment starting at `state.seq + 1`), then removes
/// the segments it covers. Returns the snapshot's size.
pub fn compact(dir: &Path, state: &State) -> Result<u64> {
    let len = write(dir, state)?;
    for (start, seg) in segments(dir)? {
        if start <= state.seq {
            fs::remove_file(&seg).map_err(|e| err(&seg, e))?;
        }
    }
    sync_dir(dir)?;
    Ok(len)
}

pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| err(dir, e))
}

//! The write-ahead log: one framed record per committed write, in segment files named by the
//! sequence number of their first record. A frame is `[length u32 LE][first 8 bytes of the
//! payload's SHA-256][payload: JSON of a Record]`, so a record cut short by `kill -9` mid-append is
//! told apart from one that was damaged later.

use crate::error::{EmulatorError, Result};
use crate::model::table::Change;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

const HEADER: usize = 12;
const PREFIX: &str = "log.";

#[derive(Debug, Serialize, Deserialize)]
pub struct Record {
    pub seq: u64,
    pub changes: Vec<Change>,
}

pub(crate) fn err(path: &Path, e: impl std::fmt::Display) -> EmulatorError {
    EmulatorError::Persistence(format!("{}: {e}", path.display()))
}

pub fn segment_path(dir: &Path, start: u64) -> PathBuf {
    dir.join(format!("{PREFIX}{start:020}"))
}

/// The segments in `dir`, oldest first, each with the sequence number it starts at.
pub fn segments(dir: &Path) -> Result<Vec<(u64, PathBuf)>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| err(dir, e))? {
        let entry = entry.map_err(|e| err(dir, e))?;
        let name = entry.file_name();
        let start = name.to_str().and_then(|n| n.strip_prefix(PREFIX)).and_then(|n| n.parse::<u64>().ok());
        if let Some(start) = start {
            found.push((start, entry.path()));
        }
    }
    found.sort();
    Ok(found)
}

fn checksum(payload: &[u8]) -> [u8; 8] {
    let digest = Sha256::digest(payload);
    digest[..8].try_into().expect("a SHA-256 is 32 bytes")
}

fn frame(rec: &Record) -> Result<Vec<u8>> {
    let payload = serde_json::to_vec(rec).map_err(|e| EmulatorError::Persistence(e.to_string()))?;
    let len =
        u32::try_from(payload.len()).map_err(|_| EmulatorError::Persistence("a write too large to log".into()))?;
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&checksum(&payload));
    out.extend_from_slice(&payload);
    Ok(out)
}

/// A segment's records and the length of its intact prefix. A bad frame that reaches the end of
/// the file, or is followed only by zeros (a file extended but never written), is a torn tail:
/// accepted only where `torn_tail_allowed` (the newest segment); anywhere else it is corruption.
pub fn read(path: &Path, torn_tail_allowed: bool) -> Result<(Vec<Record>, u64)> {
    let bytes = fs::read(path).map_err(|e| err(path, e))?;
    let mut records = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let rest = &bytes[pos..];
        let len = rest.get(..4).map(|l| u32::from_le_bytes(l.try_into().expect("4 bytes")) as usize);
        let payload = len.and_then(|len| rest.get(HEADER..HEADER + len));
        let intact = payload.filter(|p| checksum(p) == rest[4..HEADER]);
        let Some(payload) = intact else {
            let reaches_end = payload.is_none_or(|p| pos + HEADER + p.len() == bytes.len());
            if torn_tail_allowed && (reaches_end || rest.iter().all(|b| *b == 0)) {
                break;
            }
            return Err(err(path, format!("corrupt record at byte {pos}")));
        };
        let rec: Record =
            serde_json::from_slice(payload).map_err(|e| err(path, format!("record at byte {pos}: {e}")))?;
        records.push(rec);
        pos += HEADER + payload.len();
    }
    Ok((records, pos as u64))
}

/// The segment writes are appended to.
pub struct Segment {
    path: PathBuf,
    file: File,
    len: u64,
    /// Set when a failed append could not be undone: the file's end is unknown, so no more
    /// writes are acknowledged.
    broken: bool,
}

impl Segment {
    /// Creates the segment whose first record will be `start`, durably (the directory entry too).
    pub fn create(dir: &Path, start: u64) -> Result<Segment> {
        let path = segment_path(dir, start);
        let seg = Segment::open(&path, 0)?;
        super::snapshot::sync_dir(dir)?;
        Ok(seg)
    }

    /// Opens a segment for appending after its first `len` bytes, dropping anything beyond them
    /// (a torn tail), so the next record never follows garbage.
    pub fn open(path: &Path, len: u64) -> Result<Segment> {
        let mut opts = OpenOptions::new();
        opts.append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let file = opts.open(path).map_err(|e| err(path, e))?;
        if file.metadata().map_err(|e| err(path, e))?.len() != len {
            file.set_len(len).and_then(|_| file.sync_all()).map_err(|e| err(path, e))?;
        }
        Ok(Segment { path: path.to_path_buf(), file, len, broken: false })
    }

    /// Appends one record and makes it durable; returns the bytes it took.
    pub fn append(&mut self, rec: &Record) -> Result<u64> {
        if self.broken {
            return Err(err(&self.path, "an earlier write failed half-way; restart the emulator"));
        }
        let bytes = frame(rec)?;
        if let Err(e) = self.file.write_all(&bytes).and_then(|_| self.file.sync_data()) {
            self.broken = self.file.set_len(self.len).and_then(|_| self.file.sync_data()).is_err();
            return Err(err(&self.path, e));
        }
        self.len += bytes.len() as u64;
        Ok(bytes.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(seq: u64) -> Record {
        Record { seq, changes: vec![Change { table: "t".into(), key: seq.into(), value: Some("v".into()) }] }
    }

    fn seqs(path: &Path, torn_ok: bool) -> Result<Vec<u64>> {
        read(path, torn_ok).map(|(r, _)| r.iter().map(|r| r.seq).collect())
    }

    #[test]
    fn a_torn_last_record_is_dropped_and_truncated_away() {
        let dir = tempfile::tempdir().unwrap();
        let mut seg = Segment::create(dir.path(), 1).unwrap();
        for s in 1..=3 {
            seg.append(&rec(s)).unwrap();
        }
        let path = segment_path(dir.path(), 1);
        let full = fs::read(&path).unwrap();
        for cut in [1, 5, HEADER + 3] {
            fs::write(&path, &full[..full.len() - cut]).unwrap();
            assert_eq!(seqs(&path, true).unwrap(), vec![1, 2], "cut {cut} bytes");
            assert!(seqs(&path, false).is_err(), "a torn record in an older segment is corruption");
        }
        let mut zeros = full.clone();
        zeros.extend_from_slice(&[0; 100]);
        fs::write(&path, &zeros).unwrap();
        assert_eq!(seqs(&path, true).unwrap(), vec![1, 2, 3], "a zero-filled tail is torn");

        let (_, len) = read(&path, true).unwrap();
        let mut seg = Segment::open(&path, len).unwrap();
        seg.append(&rec(4)).unwrap();
        assert_eq!(seqs(&path, false).unwrap(), vec![1, 2, 3, 4], "appended after the intact prefix");
    }

    #[test]
    fn a_damaged_record_before_the_end_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut seg = Segment::create(dir.path(), 1).unwrap();
        for s in 1..=3 {
            seg.append(&rec(s)).unwrap();
        }
        let path = segment_path(dir.path(), 1);
        let mut bytes = fs::read(&path).unwrap();
        bytes[HEADER + 2] ^= 0x20;
        fs::write(&path, &bytes).unwrap();
        let e = read(&path, true).unwrap_err().to_string();
        assert!(e.contains("corrupt record at byte 0"), "{e}");
    }

    #[test]
    fn segments_are_listed_oldest_first() {
        let dir = tempfile::tempdir().unwrap();
        for start in [30, 4, 200] {
            Segment::create(dir.path(), start).unwrap();
        }
        fs::write(dir.path().join("log.notanumber"), b"").unwrap();
        let starts: Vec<u64> = segments(dir.path()).unwrap().into_iter().map(|(s, _)| s).collect();
        assert_eq!(starts, vec![4, 30, 200]);
    }
}

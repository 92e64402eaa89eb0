//! One `isthmus up` per data dir: a second one would rewrite env.sh and the admin key under the
//! first and break it. The lock is the kernel's (flock), so it goes away with its process, even
//! after `kill -9`, and a stale lock file never blocks a new start.

use anyhow::Context;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

/// Held while the stack runs; dropping it releases the data dir.
pub struct DataDirLock {
    _file: File,
}

pub fn acquire(dir: &Path) -> anyhow::Result<DataDirLock> {
    let path = dir.join("lock");
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {
            file.set_len(0)?;
            file.rewind()?;
            write!(file, "{}", std::process::id())?;
            Ok(DataDirLock { _file: file })
        }
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            anyhow::bail!(
                "{} is in use by another `isthmus up` (pid {}): stop that one first, or give this one its own --data-dir",
                dir.display(),
                if holder.trim().is_empty() { "unknown" } else { holder.trim() }
            )
        }
        Err(TryLockError::Error(e)) => Err(e).with_context(|| format!("locking {}", path.display())),
    }
}

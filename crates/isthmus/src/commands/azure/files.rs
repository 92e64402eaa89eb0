//! Where `azure connect` keeps its local files, and writing them so only the owner can read them
//! and a crash never leaves half a file.

use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

/// `$XDG_STATE_HOME/isthmus`, else `~/.local/state/isthmus`.
pub fn state_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("XDG_STATE_HOME").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join("isthmus"));
    }
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .context("neither XDG_STATE_HOME nor HOME is set: pass --secret-file and --state-file")?;
    Ok(PathBuf::from(home).join(".local/state/isthmus"))
}

/// A short, stable tag for a VNet id (FNV-1a of its lower-cased form), so file names stay short
/// and one VNet always maps to the same files whatever case its id is written in.
pub fn tag(vnet_id: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in vnet_id.to_ascii_lowercase().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", h >> 32)
}

/// Replaces `path` with `bytes`: written to a sibling temporary file with mode 0600, synced, then
/// renamed over it. The directory is created (mode 0700) if needed.
pub fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = path.file_name().context("a file path is needed")?.to_string_lossy().into_owned();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    f.write_all(bytes).and_then(|()| f.sync_all()).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))?;
    Ok(())
}

/// The file's contents, or `None` when there is no such file.
pub fn read_optional(path: &Path) -> anyhow::Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_ignores_case() {
        assert_eq!(tag("/subscriptions/A/x"), tag("/SUBSCRIPTIONS/a/X"));
        assert_ne!(tag("/subscriptions/A/x"), tag("/subscriptions/A/y"));
        assert_eq!(tag("x").len(), 8);
    }

    #[test]
    fn private_files_are_private_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b/secret.json");
        write_private(&p, b"one").unwrap();
        write_private(&p, b"two").unwrap();
        assert_eq!(read_optional(&p).unwrap().unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert!(read_optional(&dir.path().join("none")).unwrap().is_none());
    }
}

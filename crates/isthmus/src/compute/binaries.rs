//! Finding PostgreSQL's programs: on PATH, else in the newest `/usr/lib/postgresql/*/bin`
//! (Debian's packages put only the client programs on PATH).

use std::path::{Path, PathBuf};

const VERSIONED_DIRS: &str = "/usr/lib/postgresql";

/// The programs a service needs, all of one installation where PATH has none.
#[derive(Debug, Clone)]
pub struct Binaries {
    pub initdb: PathBuf,
    pub postgres: PathBuf,
    pub psql: PathBuf,
    pub pg_isready: PathBuf,
}

impl Binaries {
    pub fn find() -> Result<Binaries, String> {
        let newest = newest_versioned_bin();
        let find = |program: &str| {
            on_path(program).or_else(|| newest.as_ref().map(|d| d.join(program)).filter(|p| p.is_file())).ok_or_else(
                || {
                    format!(
                        "PostgreSQL's `{program}` was found neither on PATH nor in {VERSIONED_DIRS}/*/bin: install \
                         PostgreSQL (Debian: apt-get install postgresql) or put its bin directory on PATH"
                    )
                },
            )
        };
        Ok(Binaries {
            initdb: find("initdb")?,
            postgres: find("postgres")?,
            psql: find("psql")?,
            pg_isready: find("pg_isready")?,
        })
    }
}

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(program)).find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// `/usr/lib/postgresql/<highest major>/bin`, if any.
fn newest_versioned_bin() -> Option<PathBuf> {
    std::fs::read_dir(VERSIONED_DIRS)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().to_str()?.parse::<u32>().ok()?, e.path().join("bin"))))
        .filter(|(_, bin)| bin.is_dir())
        .max_by_key(|(major, _)| *major)
        .map(|(_, bin)| bin)
}

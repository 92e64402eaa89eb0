//! A service's data on disk: `<services_dir>/<service_id>/` (0700) holds the cluster (`data/`),
//! TLS files, log and the bootstrap marker (its private socket lives in a short runtime dir). PostgreSQL refuses to
//! run as uid 0, so its programs run in a user namespace of their own (`unshare --user
//! --map-user=1000`): they see themselves as uid 1000, and files we (root, or the unprivileged
//! user the emulator runs as) own as theirs. No account or chown is needed.

use super::binaries::Binaries;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use uuid::Uuid;

/// The uid and gid PostgreSQL's programs see themselves as.
const SERVICE_UID: &str = "1000";
pub const PORT: u16 = 5432;
/// Linux's limit on a Unix socket's path (`sun_path`, 108 bytes with the terminating NUL).
const MAX_SOCKET_PATH: usize = 107;

#[derive(Debug, Clone)]
pub struct Cluster {
    dir: PathBuf,
    socket: PathBuf,
}

/// Where the servers' private sockets go: a short path, because a Unix socket's path is limited
/// to 107 bytes and data dirs can be long. As root `/run/isthmus`; otherwise a directory of our
/// own in the temp dir (`/run` is a private tmpfs inside the unprivileged data plane's mount
/// namespace, so `$XDG_RUNTIME_DIR` would not be seen by both sides).
fn socket_root() -> PathBuf {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(u32::MAX);
    if uid == 0 {
        PathBuf::from("/run/isthmus")
    } else {
        std::env::temp_dir().join(format!("isthmus-{uid}"))
    }
}

/// A private directory that must be ours: in a shared temp dir another user could have made it.
fn owned_private_dir(p: &Path) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    private_dir(p)?;
    let mine = std::fs::metadata("/proc/self").map(|m| m.uid()).ok();
    let owner = std::fs::symlink_metadata(p).map(|m| m.uid()).ok();
    if mine.is_none() || owner != mine {
        return Err(format!("{} is not owned by this user: remove it, or set TMPDIR elsewhere", p.display()));
    }
    Ok(())
}

/// `program` run as the unprivileged service user (see the module's comment).
pub fn as_service_user(program: &Path) -> Command {
    let mut c = Command::new("unshare");
    c.args(["--user", &format!("--map-user={SERVICE_UID}"), &format!("--map-group={SERVICE_UID}"), "--"]).arg(program);
    c
}

fn private_dir(p: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(p).map_err(|e| format!("creating {}: {e}", p.display()))?;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o700)).map_err(|e| format!("{}: {e}", p.display()))
}

/// Why a command failed: its exit and the last lines of its output.
pub fn failure(what: &str, out: &std::process::Output) -> String {
    let text = String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    format!("{what} failed ({}): {}", out.status, tail(&text, 10))
}

pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    all[all.len().saturating_sub(lines)..].join(" | ")
}

impl Cluster {
    pub fn new(services_dir: &Path, service_id: Uuid) -> Cluster {
        let short = service_id.simple().to_string();
        Cluster { dir: services_dir.join(service_id.to_string()), socket: socket_root().join(&short[..16]) }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.join("data")
    }
    pub fn socket_dir(&self) -> PathBuf {
        self.socket.clone()
    }
    pub fn log(&self) -> PathBuf {
        self.dir.join("postgres.log")
    }
    fn cert(&self) -> PathBuf {
        self.dir.join("server.crt")
    }
    fn key(&self) -> PathBuf {
        self.dir.join("server.key")
    }
    fn bootstrap_marker(&self) -> PathBuf {
        self.dir.join("bootstrapped")
    }

    /// The directories, and the cluster on first placement. initdb works in `data.partial`,
    /// renamed once complete, so a crash midway is redone rather than started on.
    pub fn prepare(&self, bins: &Binaries) -> Result<(), String> {
        let socket = self.socket_dir().join(format!(".s.PGSQL.{PORT}"));
        if socket.as_os_str().len() > MAX_SOCKET_PATH {
            return Err(format!(
                "the server's socket path {} is longer than Unix sockets allow ({MAX_SOCKET_PATH} bytes): set \
                 TMPDIR to a shorter path",
                socket.display()
            ));
        }
        private_dir(&self.dir)?;
        if let Some(root) = self.socket.parent() {
            owned_private_dir(root)?;
        }
        owned_private_dir(&self.socket)?;
        if self.data().join("PG_VERSION").is_file() {
            return Ok(());
        }
        let partial = self.dir.join("data.partial");
        let _ = std::fs::remove_dir_all(&partial);
        let out = as_service_user(&bins.initdb)
            .arg("-D")
            .arg(&partial)
            .args([
                "--auth-local=trust",
                "--auth-host=reject",
                "-U",
                "postgres",
                "--encoding=UTF8",
                "--no-instructions",
            ])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("running {}: {e}", bins.initdb.display()))?;
        if !out.status.success() {
            return Err(failure("initdb", &out));
        }
        std::fs::rename(&partial, self.data()).map_err(|e| format!("moving the new cluster into place: {e}"))
    }

    /// The server's certificate and key (0600: PostgreSQL refuses a key others can read), and
    /// `pg_hba.conf`: the superuser only over the private socket, `avnadmin` only over TLS with
    /// SCRAM and only to `defaultdb`, everything else refused.
    pub fn write_access_files(&self, cert_pem: &str, key_pem: &str) -> Result<(), String> {
        std::fs::write(self.cert(), cert_pem).map_err(|e| format!("writing the certificate: {e}"))?;
        azure_emulator::persistence::write_private_file(&self.key(), key_pem.as_bytes()).map_err(|e| e.to_string())?;
        let hba = "# Written by isthmus at each start; changes here are lost.\n\
                   local   all       postgres                trust\n\
                   hostssl defaultdb avnadmin  0.0.0.0/0     scram-sha-256\n\
                   hostssl defaultdb avnadmin  ::/0          scram-sha-256\n\
                   host    all       all       0.0.0.0/0     reject\n\
                   host    all       all       ::/0          reject\n";
        std::fs::write(self.data().join("pg_hba.conf"), hba).map_err(|e| format!("writing pg_hba.conf: {e}"))
    }

    /// `postgres`' arguments: settings on the command line, so a new private address (a NIC
    /// made anew) needs no edit of `postgresql.conf`. Memory is modest: several run on one machine.
    pub fn server_args(&self, private_ip: &str) -> Vec<String> {
        let path = |p: PathBuf| p.to_string_lossy().into_owned();
        let settings = [
            ("listen_addresses", private_ip.to_string()),
            ("port", PORT.to_string()),
            ("unix_socket_directories", path(self.socket_dir())),
            ("ssl", "on".into()),
            ("ssl_cert_file", path(self.cert())),
            ("ssl_key_file", path(self.key())),
            ("password_encryption", "scram-sha-256".into()),
            ("shared_buffers", "32MB".into()),
            ("max_connections", "50".into()),
        ];
        let mut args = vec!["-D".to_string(), path(self.data())];
        for (k, v) in settings {
            args.extend(["-c".to_string(), format!("{k}={v}")]);
        }
        args
    }

    /// Removes the lock files (`postmaster.pid`, the socket's) when no live server of this
    /// cluster holds them: our servers die with our process (see `server`), and after a `kill -9`
    /// the dead postmaster may linger as a zombie until it is reaped, which PostgreSQL takes for a
    /// running server and refuses to start.
    pub fn clear_stale_lock(&self) -> Result<(), String> {
        let socket_lock = self.socket_dir().join(format!(".s.PGSQL.{PORT}.lock"));
        for lock in [self.data().join("postmaster.pid"), socket_lock] {
            let Ok(text) = std::fs::read_to_string(&lock) else { continue };
            let pid = text.lines().next().unwrap_or("").trim().to_string();
            if live_postmaster_of(&pid, &self.data()) {
                return Err(format!("a postgres (pid {pid}) already runs {}: stop it first", self.data().display()));
            }
            std::fs::remove_file(&lock).map_err(|e| format!("removing the stale {}: {e}", lock.display()))?;
        }
        Ok(())
    }

    pub fn bootstrapped(&self) -> bool {
        self.bootstrap_marker().is_file()
    }

    /// `avnadmin` (not a superuser: one could `COPY … TO PROGRAM`) and `defaultdb`, over the
    /// private socket as `postgres`. The password travels on psql's stdin as a variable, never in
    /// argv, and a failing statement's text reaches neither the server's log nor our error. The
    /// marker is written only after success, so a crash midway is redone.
    pub fn bootstrap(&self, bins: &Binaries, password: &str) -> Result<(), String> {
        if password.chars().any(char::is_control) || password.is_empty() {
            return Err("the admin password is empty or has control characters".into());
        }
        let quoted = password.replace('\\', "\\\\").replace('\'', "''");
        let script = format!(
            "SET log_min_error_statement = panic;\n\
             \\set VERBOSITY terse\n\
             \\set SHOW_CONTEXT never\n\
             \\set pw '{quoted}'\n\
             SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'avnadmin') AS create_role \\gset\n\
             \\if :create_role\n\
             CREATE ROLE avnadmin LOGIN PASSWORD :'pw' CREATEDB CREATEROLE;\n\
             \\else\n\
             ALTER ROLE avnadmin LOGIN NOSUPERUSER CREATEDB CREATEROLE PASSWORD :'pw';\n\
             \\endif\n\
             SELECT NOT EXISTS (SELECT FROM pg_database WHERE datname = 'defaultdb') AS create_db \\gset\n\
             \\if :create_db\n\
             CREATE DATABASE defaultdb OWNER avnadmin;\n\
             \\endif\n"
        );
        let mut child = self
            .psql(bins, "postgres")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("running {}: {e}", bins.psql.display()))?;
        let written = child.stdin.take().expect("piped").write_all(script.as_bytes());
        let out = child.wait_with_output().map_err(|e| format!("psql: {e}"))?;
        written.map_err(|e| format!("writing to psql: {e}"))?;
        if !out.status.success() {
            return Err(failure("creating avnadmin and defaultdb", &out));
        }
        std::fs::write(self.bootstrap_marker(), b"").map_err(|e| format!("marking the bootstrap done: {e}"))
    }

    /// psql as `postgres` over the private socket, stopping at the first error.
    pub fn psql(&self, bins: &Binaries, database: &str) -> Command {
        let mut c = Command::new(&bins.psql);
        c.arg("-h").arg(self.socket_dir());
        c.args(["-p", &PORT.to_string(), "-U", "postgres", "-d", database, "-X", "-q", "-v", "ON_ERROR_STOP=1"]);
        c.env_remove("PGPASSWORD");
        c
    }

    /// Whether the server accepts connections on its socket.
    pub fn accepts(&self, bins: &Binaries) -> bool {
        Command::new(&bins.pg_isready)
            .arg("-h")
            .arg(self.socket_dir())
            .args(["-p", &PORT.to_string(), "-U", "postgres", "-d", "postgres", "-q"])
            .stdin(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Deletes everything of the service; gone already is fine.
    pub fn remove(&self) -> Result<(), String> {
        let _ = std::fs::remove_dir_all(&self.socket);
        match std::fs::remove_dir_all(&self.dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(format!("removing {}: {e}", self.dir.display())),
            _ => Ok(()),
        }
    }
}

/// Whether `pid` is a running (not zombie) process whose command line names `data`.
fn live_postmaster_of(pid: &str, data: &Path) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let running = stat.rsplit_once(')').is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z'));
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    running && String::from_utf8_lossy(&cmdline).contains(&*data.to_string_lossy())
}

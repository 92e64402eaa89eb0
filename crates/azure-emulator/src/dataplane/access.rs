//! How the data plane's commands reach its namespaces. As root they run directly and the
//! namespaces are the machine's own (`ip netns list` shows them). As a normal user the emulator
//! first starts a *holder*: a process in a user namespace of its own (mapped to root inside), with
//! a private mount namespace (a tmpfs on `/run`, for `/run/netns`) and an empty network namespace;
//! every command then enters those three with `nsenter`. The holder dies with the thread that
//! started it (`setpriv --pdeathsig`), taking every namespace along, so even a `kill -9` leaves
//! nothing behind. `isthmus exec` finds the holder through `dataplane.json` in the data dir.
//!
//! Everything here is util-linux (`unshare`, `nsenter`, `setpriv`) and iproute2 (`ip`).

use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Where the data plane says how to reach it, for `isthmus exec`.
const RECORD: &str = "dataplane.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "kebab-case")]
pub enum Access {
    /// As root: the machine's own namespaces.
    Direct,
    /// Through the holder's user, mount and network namespaces. `start` is the holder's start
    /// time (clock ticks since boot), so a recycled pid is never mistaken for it.
    UserNamespace { pid: u32, start: u64 },
}

/// The holder process; dropping it ends it, and with it every namespace it held.
pub struct Holder(Child);

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(super) fn effective_uid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find(|l| l.starts_with("Uid:"))?.split_whitespace().nth(2)?.parse().ok()
}

/// A process's start time, field 22 of `/proc/PID/stat` (after the parenthesized name).
fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?.1.split_whitespace().nth(19)?.parse().ok()
}

pub(super) fn on_path(program: &str, hint: &str) -> Result<(), String> {
    match Command::new(program).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status() {
        Ok(_) => Ok(()),
        Err(_) => Err(format!("the data plane needs `{program}` on PATH ({hint})")),
    }
}

impl Access {
    /// As root, direct; otherwise starts a holder. The caller must keep the returned `Holder` on
    /// a thread that lives as long as the data plane: the holder is killed when that thread ends.
    pub fn open() -> Result<(Access, Option<Holder>), String> {
        on_path("ip", "Debian: apt-get install iproute2")?;
        if effective_uid() == Some(0) {
            return Ok((Access::Direct, None));
        }
        for p in ["unshare", "nsenter", "setpriv"] {
            on_path(p, "Debian: apt-get install util-linux")?;
        }
        let script =
            "mount -t tmpfs -o mode=0755 isthmus /run && mkdir /run/netns && echo ready && exec sleep infinity";
        let mut child = Command::new("setpriv")
            .args(["--pdeathsig", "KILL", "--", "unshare", "--user", "--map-root-user", "--mount", "--net"])
            .args(["--propagation", "private", "sh", "-c", script])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting a user namespace failed: {e}"))?;
        let mut line = String::new();
        let _ = BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line);
        if line.trim() != "ready" {
            let _ = child.kill();
            let out = child.wait_with_output().map(|o| String::from_utf8_lossy(&o.stderr).trim().to_string());
            return Err(format!(
                "not root, and an unprivileged user namespace could not be made ({}); run as root, or allow \
                 user namespaces (sysctl user.max_user_namespaces=10000; on Debian/Ubuntu also \
                 kernel.unprivileged_userns_clone=1 or kernel.apparmor_restrict_unprivileged_userns=0)",
                out.unwrap_or_default()
            ));
        }
        let pid = child.id();
        let start = start_time(pid).ok_or("the user namespace's holder ended at once")?;
        Ok((Access::UserNamespace { pid, start }, Some(Holder(child))))
    }

    /// How this data dir's data plane is reached now, if it is running.
    pub fn for_data_dir(dir: &Path) -> Option<Access> {
        let text = std::fs::read_to_string(dir.join(RECORD)).ok()?;
        match serde_json::from_str(&text).ok()? {
            Access::UserNamespace { pid, start } if start_time(pid) != Some(start) => None,
            access => Some(access),
        }
    }

    /// Says how to reach the data plane (`isthmus exec` reads it).
    pub fn record(&self, dir: &Path) {
        if let Ok(text) = serde_json::to_vec(self) {
            if let Err(e) = crate::persistence::write_private_file(&record_path(dir), &text) {
                tracing::warn!(error = %e, "writing dataplane.json failed: isthmus exec will not find the hosts");
            }
        }
    }

    pub fn forget(dir: &Path) {
        let _ = std::fs::remove_file(record_path(dir));
    }

    /// `program` as it must run to see and change the data plane's namespaces.
    pub fn command(&self, program: &str) -> Command {
        match self {
            Access::Direct => Command::new(program),
            Access::UserNamespace { pid, .. } => {
                let mut c = Command::new("nsenter");
                c.args(["-t", &pid.to_string(), "-U", "-m", "-n", "--preserve-credentials", "--", program]);
                c
            }
        }
    }
}

fn record_path(dir: &Path) -> PathBuf {
    dir.join(RECORD)
}

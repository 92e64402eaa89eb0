//! A running `postgres`: spawned from a thread of its own that lives exactly as long as the
//! process. `setpriv --pdeathsig KILL` ties the server to the thread that spawned it (not to our
//! process: the signal fires when that *thread* ends, and tokio's blocking threads end after idle
//! seconds), so the thread waits on the child; a `kill -9` of our process ends the thread, and the
//! kernel then kills the server.

use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Server {
    pid: u32,
    exit: Arc<Mutex<Option<ExitStatus>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// `command` as run with `setpriv --pdeathsig KILL`.
pub fn with_death_signal(command: &Command) -> Command {
    let mut c = Command::new("setpriv");
    c.args(["--pdeathsig", "KILL", "--"]).arg(command.get_program()).args(command.get_args());
    c
}

/// Through kill(1): the crate has no libc binding, and a signal is all it needs of one.
fn signal(pid: u32, sig: &str) {
    let _ = Command::new("kill").args([&format!("-{sig}"), &pid.to_string()]).stderr(Stdio::null()).status();
}

impl Server {
    /// Starts `command` (stdout and stderr appended to `log`) on a thread named `name`.
    pub fn spawn(name: &str, mut command: Command, log: &Path) -> Result<Server, String> {
        let open = || std::fs::OpenOptions::new().create(true).append(true).open(log);
        let (out, err) = match (open(), open()) {
            (Ok(o), Ok(e)) => (o, e),
            (Err(e), _) | (_, Err(e)) => return Err(format!("opening {}: {e}", log.display())),
        };
        command.stdin(Stdio::null()).stdout(out).stderr(err);
        let exit = Arc::new(Mutex::new(None));
        let recorded = exit.clone();
        let (started, pid) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name(name.chars().take(15).collect())
            .spawn(move || {
                let mut child = match command.spawn() {
                    Ok(c) => c,
                    Err(e) => return drop(started.send(Err(format!("starting postgres: {e}")))),
                };
                let _ = started.send(Ok(child.id()));
                let status = child.wait();
                *recorded.lock().expect("exit") = Some(status.unwrap_or_else(|_| ExitStatus::default()));
            })
            .map_err(|e| format!("starting the server's thread: {e}"))?;
        let pid = pid.recv().map_err(|_| "the server's thread ended at start".to_string())??;
        Ok(Server { pid, exit, thread: Some(thread) })
    }

    pub fn running(&self) -> bool {
        self.exit.lock().expect("exit").is_none()
    }

    /// Fast shutdown (SIGINT: sessions end, data is safe), then SIGKILL after `grace`; waits.
    pub fn stop(mut self, grace: Duration) {
        if self.running() {
            signal(self.pid, "INT");
            let deadline = Instant::now() + grace;
            while self.running() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            if self.running() {
                signal(self.pid, "KILL");
            }
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    /// A server dropped without `stop` (a failed start) must not outlive us unnoticed.
    fn drop(&mut self) {
        if self.thread.is_some() && self.running() {
            signal(self.pid, "KILL");
        }
    }
}

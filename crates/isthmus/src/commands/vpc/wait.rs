//! `--wait STATE`: poll the VPC until a peering connection reaches a state, showing progress on
//! stderr, and fail fast when it lands in a state it cannot leave.

use super::client::{is_transient, seg, Api};
use super::matching::{by_id, Selector};
use anyhow::bail;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

const POLL: Duration = Duration::from_millis(500);

/// A peering connection's state, as `--wait` accepts it (any case).
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum State {
    Approved,
    PendingPeer,
    Active,
    InvalidSpecification,
    RejectedByPeer,
    Deleting,
    Deleted,
    DeletedByPeer,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Approved => "APPROVED",
            State::PendingPeer => "PENDING_PEER",
            State::Active => "ACTIVE",
            State::InvalidSpecification => "INVALID_SPECIFICATION",
            State::RejectedByPeer => "REJECTED_BY_PEER",
            State::Deleting => "DELETING",
            State::Deleted => "DELETED",
            State::DeletedByPeer => "DELETED_BY_PEER",
        }
    }
}

/// States a connection never leaves on its own: the user has to delete it and create it again.
const FAILED: [&str; 3] = ["INVALID_SPECIFICATION", "REJECTED_BY_PEER", "DELETED_BY_PEER"];

#[derive(clap::Args, Clone, Debug)]
pub struct WaitArgs {
    /// Poll every 500 ms until the connection is in STATE (e.g. PENDING_PEER, ACTIVE, DELETED)
    #[arg(long, value_enum, ignore_case = true, value_name = "STATE")]
    pub wait: Option<State>,
    /// With --wait: give up after this many seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 900)]
    pub timeout: u64,
}

/// How a wait ended well.
pub enum Reached {
    /// The connection, in the wanted state.
    Listed(Value),
    /// Waiting for DELETED, and the connection is no longer listed.
    Gone,
}

/// Why the connection will not reach `target` from `state`, if it cannot.
fn hopeless(state: &str, target: State) -> bool {
    let deleting = matches!(state, "DELETING" | "DELETED");
    (FAILED.contains(&state) && state != target.as_str())
        || (deleting && !matches!(target, State::Deleting | State::Deleted))
}

fn message(c: &Value) -> String {
    c["state_info"]["message"].as_str().unwrap_or("no further information").to_string()
}

/// Polls `GET …/vpcs/{vpc}` until the connection (by id, else by `selector`) is in `target`.
pub async fn until(
    api: &Api,
    vpc: &str,
    mut id: Option<String>,
    selector: &Selector,
    target: State,
    timeout: Duration,
) -> anyhow::Result<Reached> {
    let start = Instant::now();
    let mut progress = Progress::new(target, start);
    let mut last: Option<Value> = None;
    let mut answered = false;
    loop {
        match api.get(&format!("/vpcs/{}", seg(vpc))).await {
            Ok(v) => {
                answered = true;
                let found = match &id {
                    Some(id) => by_id(&v, id),
                    None => selector.find(&v),
                };
                let Some(c) = found else {
                    if target == State::Deleted {
                        progress.state("DELETED (no longer listed)");
                        return Ok(Reached::Gone);
                    }
                    match last {
                        Some(_) => bail!("the peering connection was deleted while waiting for {}", target.as_str()),
                        None => return Err(super::matching::not_found(&v)),
                    }
                };
                id = c["peering_connection_id"].as_str().map(String::from).or(id);
                let state = c["state"].as_str().unwrap_or("UNKNOWN");
                progress.state(state);
                if state == target.as_str() {
                    return Ok(Reached::Listed(c.clone()));
                }
                if hopeless(state, target) {
                    bail!("the peering connection is {state} and will not become {}: {}", target.as_str(), message(c));
                }
                last = Some(c.clone());
            }
            // A blip during a long wait is retried; a first request that fails is reported at once.
            Err(e) if answered && is_transient(&e) => progress.note(&format!("retrying: {e}")),
            Err(e) => return Err(e),
        }
        let elapsed = start.elapsed();
        if elapsed >= timeout {
            let now = match &last {
                Some(c) => format!("; it is {}: {}", c["state"].as_str().unwrap_or("UNKNOWN"), message(c)),
                None => String::new(),
            };
            bail!("timed out after {} s waiting for {}{now}", timeout.as_secs(), target.as_str());
        }
        tokio::time::sleep(POLL.min(timeout - elapsed)).await;
    }
}

/// A spinner when stderr is a terminal, otherwise one line per change.
struct Progress {
    bar: Option<ProgressBar>,
    target: State,
    start: Instant,
    last: String,
}

impl Progress {
    fn new(target: State, start: Instant) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(100));
            bar.set_message(format!("waiting for {}", target.as_str()));
            bar
        });
        Progress { bar, target, start, last: String::new() }
    }

    fn state(&mut self, state: &str) {
        let target = self.target.as_str();
        self.show(if state.starts_with(target) { state.to_string() } else { format!("{state}, waiting for {target}") });
    }

    fn note(&mut self, note: &str) {
        self.show(note.to_string());
    }

    fn show(&mut self, line: String) {
        if line == self.last {
            return;
        }
        match &self.bar {
            Some(bar) => bar.set_message(line.clone()),
            None => eprintln!("[{:>5.1} s] {line}", self.start.elapsed().as_secs_f64()),
        }
        self.last = line;
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_states_end_a_wait_unless_they_are_the_target() {
        assert!(hopeless("INVALID_SPECIFICATION", State::Active));
        assert!(!hopeless("INVALID_SPECIFICATION", State::InvalidSpecification));
        assert!(hopeless("DELETING", State::Active));
        assert!(!hopeless("DELETING", State::Deleted));
        assert!(!hopeless("APPROVED", State::Active));
        assert!(!hopeless("PENDING_PEER", State::Active));
    }
}

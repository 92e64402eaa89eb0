//! `--wait STATE`: poll the VPC until a peering connection reaches a state, showing progress on
//! stderr, and fail fast when it lands in a state it cannot leave.

use super::matching::Selector;
use crate::control_plane_api::wait::{self, Wait};
use crate::control_plane_api::{Api, ConnectionState};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};
use uuid::Uuid;

pub use wait::Reached;

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
    pub fn state(self) -> ConnectionState {
        match self {
            State::Approved => ConnectionState::Approved,
            State::PendingPeer => ConnectionState::PendingPeer,
            State::Active => ConnectionState::Active,
            State::InvalidSpecification => ConnectionState::InvalidSpecification,
            State::RejectedByPeer => ConnectionState::RejectedByPeer,
            State::Deleting => ConnectionState::Deleting,
            State::Deleted => ConnectionState::Deleted,
            State::DeletedByPeer => ConnectionState::DeletedByPeer,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.state().as_str()
    }
}

#[derive(clap::Args, Clone, Debug)]
pub struct WaitArgs {
    /// Poll every 500 ms until the connection is in STATE (e.g. PENDING_PEER, ACTIVE, DELETED)
    #[arg(long, value_enum, ignore_case = true, value_name = "STATE")]
    pub wait: Option<State>,
    /// With --wait: give up after this many seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 900)]
    pub timeout: u64,
}

/// Polls until the connection (by id, else by `selector`) is in `target`, with a spinner.
pub async fn until(
    api: &Api,
    vpc: &str,
    id: Option<Uuid>,
    selector: &Selector,
    target: State,
    timeout: Duration,
) -> anyhow::Result<Reached> {
    let mut progress = Progress::new(target, Instant::now());
    let targets = [target.state()];
    let w = Wait { vpc, targets: &targets, timeout, poll: POLL };
    let reached = wait::until(api, &w, id, |v| selector.find(v), |c| progress.state(c.state.as_str())).await?;
    if matches!(reached, Reached::Gone) {
        progress.state("DELETED (no longer listed)");
    }
    Ok(reached)
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

//! `--wait STATE`: poll the VPC until a peering connection reaches a state, showing progress on
//! stderr, and fail fast when it lands in a state it cannot leave.

use super::matching::Selector;
use crate::commands::wait_progress::Progress;
use crate::control_plane_api::wait::{self, Wait};
use crate::control_plane_api::{Api, ConnectionState};
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
    let mut progress = Progress::new(target.as_str(), None, Instant::now());
    let targets = [target.state()];
    let w = Wait { vpc, targets: &targets, timeout, poll: POLL };
    let mut told = false;
    let seen = |c: &crate::control_plane_api::Connection| {
        progress.state(c.state.as_str());
        // The customer's move: say what to do as soon as it is their turn, not at the timeout.
        if c.state == ConnectionState::PendingPeer && target.state() != ConnectionState::PendingPeer && !told {
            progress.say(&format!("PENDING_PEER: {}", wait::message(c)));
            told = true;
        }
    };
    let reached = wait::until(api, &w, id, |v| selector.find(v), seen).await?;
    if matches!(reached, Reached::Gone) {
        progress.state("DELETED (no longer listed)");
    }
    Ok(reached)
}

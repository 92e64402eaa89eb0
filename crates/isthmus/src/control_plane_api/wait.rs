//! Waiting for a peering connection to reach a state: the one poll loop behind `vpc … --wait`,
//! `azure connect` (steps 12 and 15) and `demo`. It reads the VPC, follows the connection by id
//! once it is known, retries transient failures, and stops early on a state the connection cannot
//! leave on its own.

use super::{is_transient, Api, Connection, ConnectionState, Vpc};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// What to wait for, and for how long.
pub struct Wait<'a> {
    pub vpc: &'a str,
    /// Any of these ends the wait well.
    pub targets: &'a [ConnectionState],
    pub timeout: Duration,
    pub poll: Duration,
}

/// How a wait ended well.
pub enum Reached {
    /// The connection, in one of the wanted states.
    Listed(Box<Connection>),
    /// Waiting for DELETED, and the connection is no longer listed.
    Gone,
}

/// The connection is in a state it will not leave by waiting.
#[derive(Debug)]
pub struct Hopeless {
    pub connection: Box<Connection>,
    pub wanted: String,
}

impl std::fmt::Display for Hopeless {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = &self.connection;
        write!(f, "the peering connection is {} and will not become {}: {}", c.state, self.wanted, message(c))
    }
}

impl std::error::Error for Hopeless {}

/// The time ran out; the connection is still elsewhere.
#[derive(Debug)]
pub struct TimedOut {
    pub connection: Option<Box<Connection>>,
    pub wanted: String,
    pub after: Duration,
}

impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "timed out after {} s waiting for {}", self.after.as_secs(), self.wanted)?;
        match &self.connection {
            Some(c) => write!(f, "; it is {}: {}", c.state, message(c)),
            None => Ok(()),
        }
    }
}

impl std::error::Error for TimedOut {}

/// `state_info.message`, or a placeholder.
pub fn message(c: &Connection) -> &str {
    c.state_info.as_ref().map_or("no further information", |i| i.message.as_str())
}

/// Whether the connection still holds its slot (not DELETED or DELETED_BY_PEER).
pub fn is_live(c: &Connection) -> bool {
    c.state.is_live()
}

/// Whether a connection in `state` can still reach one of `targets` without a user's action.
fn hopeless(state: ConnectionState, targets: &[ConnectionState]) -> bool {
    use ConnectionState::*;
    if targets.contains(&state) {
        return false;
    }
    let deleting = matches!(state, Deleting | Deleted);
    let stuck = matches!(state, InvalidSpecification | RejectedByPeer | DeletedByPeer | Error);
    stuck || (deleting && !targets.iter().any(|t| matches!(t, Deleting | Deleted)))
}

fn wanted(targets: &[ConnectionState]) -> String {
    targets.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(" or ")
}

/// Polls the VPC until the connection (`id`, else the first `find` picks) is in one of the
/// targets. `seen` is called with every reading, for progress.
pub async fn until(
    api: &Api,
    w: &Wait<'_>,
    mut id: Option<Uuid>,
    find: impl Fn(&Vpc) -> Option<&Connection>,
    mut seen: impl FnMut(&Connection),
) -> anyhow::Result<Reached> {
    let start = Instant::now();
    let mut last: Option<Box<Connection>> = None;
    let mut answered = false;
    loop {
        match api.vpc(w.vpc).await {
            Ok(vpc) => {
                answered = true;
                let found = match id {
                    Some(id) => vpc.peering_connections.iter().find(|c| c.peering_connection_id == id),
                    None => find(&vpc),
                };
                let Some(c) = found else {
                    if w.targets.contains(&ConnectionState::Deleted) {
                        return Ok(Reached::Gone);
                    }
                    match last {
                        Some(_) => {
                            anyhow::bail!("the peering connection was deleted while waiting for {}", wanted(w.targets))
                        }
                        None => return Err(not_found(&vpc)),
                    }
                };
                id = Some(c.peering_connection_id);
                seen(c);
                if w.targets.contains(&c.state) {
                    return Ok(Reached::Listed(Box::new(c.clone())));
                }
                if hopeless(c.state, w.targets) {
                    return Err(Hopeless { connection: Box::new(c.clone()), wanted: wanted(w.targets) }.into());
                }
                last = Some(Box::new(c.clone()));
            }
            // A blip during a long wait is retried; a first request that fails is reported at once.
            Err(e) if answered && is_transient(&e) => {}
            Err(e) => return Err(e),
        }
        let elapsed = start.elapsed();
        if elapsed >= w.timeout {
            return Err(TimedOut { connection: last, wanted: wanted(w.targets), after: w.timeout }.into());
        }
        tokio::time::sleep(w.poll.min(w.timeout - elapsed)).await;
    }
}

/// "Peering connection does not exist" (avn's words), naming the VPC's live connections when there
/// are any, so a mistyped name shows the right one.
pub fn not_found(vpc: &Vpc) -> anyhow::Error {
    let live: Vec<String> = vpc
        .peering_connections
        .iter()
        .filter(|c| is_live(c))
        .map(|c| format!("{} {}/{} ({})", c.peer_cloud_account, c.peer_resource_group, c.peer_vpc, c.state))
        .collect();
    if live.is_empty() {
        anyhow::anyhow!("Peering connection does not exist")
    } else {
        anyhow::anyhow!(
            "Peering connection does not exist; this VPC's connections are: {} (check --peer-cloud-account, \
             --peer-resource-group and --peer-vpc)",
            live.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConnectionState::*;

    #[test]
    fn failure_states_end_a_wait_unless_they_are_a_target() {
        assert!(hopeless(InvalidSpecification, &[Active]));
        assert!(!hopeless(InvalidSpecification, &[InvalidSpecification]));
        assert!(hopeless(Deleting, &[Active]));
        assert!(!hopeless(Deleting, &[Deleted]));
        assert!(!hopeless(Approved, &[Active]));
        assert!(!hopeless(PendingPeer, &[Active]));
        assert!(!hopeless(Active, &[PendingPeer, Active]));
        assert!(hopeless(DeletedByPeer, &[PendingPeer, Active]));
    }
}

//! Peering-connection and project-VPC states, and the one table of allowed transitions. Every state
//! change in the system goes through `ConnectionState::can_become`.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;

/// A peering connection's state. Happy path `APPROVED` -> `PENDING_PEER` -> `ACTIVE`.
/// `INVALID_SPECIFICATION`: the request cannot be built as given (see `state_info`); delete and
/// recreate. `REJECTED_BY_PEER`: Azure refused the peering. `DELETING` -> `DELETED` after a delete.
/// `DELETED_BY_PEER`: the customer's VNet went away. `ERROR` is reserved and not used today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[schema(as = PeeringConnectionState)]
pub enum ConnectionState {
    Approved,
    PendingPeer,
    Active,
    InvalidSpecification,
    RejectedByPeer,
    Deleting,
    Deleted,
    DeletedByPeer,
    /// Reserved, as in Aiven's enum; nothing moves a connection here today.
    Error,
}

use ConnectionState::*;

impl ConnectionState {
    pub const ALL: [ConnectionState; 9] =
        [Approved, PendingPeer, Active, InvalidSpecification, RejectedByPeer, Deleting, Deleted, DeletedByPeer, Error];

    pub fn as_str(self) -> &'static str {
        match self {
            Approved => "APPROVED",
            PendingPeer => "PENDING_PEER",
            Active => "ACTIVE",
            InvalidSpecification => "INVALID_SPECIFICATION",
            RejectedByPeer => "REJECTED_BY_PEER",
            Deleting => "DELETING",
            Deleted => "DELETED",
            DeletedByPeer => "DELETED_BY_PEER",
            Error => "ERROR",
        }
    }

    /// The transition table. A connection in a terminal state can only be deleted (or is gone).
    pub fn can_become(self, to: ConnectionState) -> bool {
        matches!(
            (self, to),
            (Approved, PendingPeer | InvalidSpecification | RejectedByPeer | Deleting)
                | (PendingPeer, Active | InvalidSpecification | RejectedByPeer | DeletedByPeer | Deleting)
                | (Active, PendingPeer | DeletedByPeer | Deleting)
                | (InvalidSpecification | RejectedByPeer | DeletedByPeer | Error, Deleting)
                | (Deleting, Deleted)
        )
    }

    /// States the reconciler still has work in.
    pub fn needs_reconciling(self) -> bool {
        matches!(self, Approved | PendingPeer | Active | Deleting)
    }

    /// Whether the connection still occupies its (VPC, subscription, group, VNet) slot.
    pub fn is_live(self) -> bool {
        !matches!(self, Deleted | DeletedByPeer)
    }

    /// Whether the peering is up or awaited, so Azure must be watched for the customer's side.
    pub fn is_watched(self) -> bool {
        matches!(self, PendingPeer | Active)
    }
}

impl fmt::Display for ConnectionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ConnectionState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| format!("unknown connection state {s}"))
    }
}

/// A project VPC's state: `APPROVED` until its Azure VNet exists, then `ACTIVE`; `DELETING` once
/// deletion is asked for, `DELETED` when gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VpcState {
    Approved,
    Active,
    Deleting,
    Deleted,
}

impl VpcState {
    pub fn as_str(self) -> &'static str {
        match self {
            VpcState::Approved => "APPROVED",
            VpcState::Active => "ACTIVE",
            VpcState::Deleting => "DELETING",
            VpcState::Deleted => "DELETED",
        }
    }

    pub fn can_become(self, to: VpcState) -> bool {
        use VpcState::*;
        matches!((self, to), (Approved, Active | Deleting) | (Active, Deleting) | (Deleting, Deleted))
    }
}

impl FromStr for VpcState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [VpcState::Approved, VpcState::Active, VpcState::Deleting, VpcState::Deleted]
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("unknown VPC state {s}"))
    }
}

/// A service's state, as Aiven names them. A new service is `REBUILDING` until its server
/// answers, then `RUNNING`; a running service whose server was lost goes back to `REBUILDING`
/// while it is placed again. `POWEROFF` and `REBALANCING` are Aiven's, never used here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ServiceState {
    Poweroff,
    Rebalancing,
    Rebuilding,
    Running,
}

impl ServiceState {
    pub const ALL: [ServiceState; 4] =
        [ServiceState::Poweroff, ServiceState::Rebalancing, ServiceState::Rebuilding, ServiceState::Running];

    pub fn as_str(self) -> &'static str {
        match self {
            ServiceState::Poweroff => "POWEROFF",
            ServiceState::Rebalancing => "REBALANCING",
            ServiceState::Rebuilding => "REBUILDING",
            ServiceState::Running => "RUNNING",
        }
    }

    /// The transition table (deletion removes a service from any state).
    pub fn can_become(self, to: ServiceState) -> bool {
        use ServiceState::*;
        matches!((self, to), (Rebuilding, Running) | (Running, Rebuilding))
    }
}

impl FromStr for ServiceState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| format!("unknown service state {s}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn happy_path_and_deletion_are_allowed() {
        assert!(Approved.can_become(PendingPeer));
        assert!(PendingPeer.can_become(Active));
        assert!(Active.can_become(PendingPeer), "the customer removed their side");
        assert!(Active.can_become(Deleting) && Deleting.can_become(Deleted));
    }

    #[test]
    fn terminal_states_only_leave_through_deletion() {
        for from in [InvalidSpecification, RejectedByPeer, DeletedByPeer] {
            for to in ConnectionState::ALL {
                assert_eq!(from.can_become(to), to == Deleting, "{from} -> {to}");
            }
        }
        assert!(ConnectionState::ALL.iter().all(|to| !Deleted.can_become(*to)));
    }

    #[test]
    fn a_service_is_built_then_runs_and_is_rebuilt_when_lost() {
        use ServiceState::*;
        assert!(Rebuilding.can_become(Running) && Running.can_become(Rebuilding));
        for s in ServiceState::ALL {
            assert!(!s.can_become(s), "{s:?} to itself");
            assert!(!s.can_become(Poweroff) && !s.can_become(Rebalancing), "never used");
            assert_eq!(s.as_str().parse::<ServiceState>().unwrap(), s);
        }
    }

    #[test]
    fn names_round_trip() {
        for s in ConnectionState::ALL {
            assert_eq!(s.as_str().parse::<ConnectionState>().unwrap(), s);
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
    }
}

//! What a connection does next, decided without I/O from what was observed: for APPROVED, what
//! setting up the provider side came to; for a watched connection (PENDING_PEER or ACTIVE), the
//! provider peering's state, then, if our side had to be put back, what Azure answered; for
//! DELETING, what removing the provider side answered. The reconciler reads and writes Azure, asks
//! here, and carries out the decision; the table tests below cover every state and every outcome.

use super::messages;
use super::outcome::Failure;
use crate::domain::{ConnectionState, PeeringConnection, StateInfo};
use azure_client::{AzureError, PeeringState};

/// What the provider VNet's peering of this connection reads as.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Seen {
    Connected,
    Initiated,
    /// `Disconnected` (the customer removed their side or their VNet), or our side is missing.
    DisconnectedOrMissing,
}

impl From<Option<PeeringState>> for Seen {
    fn from(s: Option<PeeringState>) -> Self {
        match s {
            Some(PeeringState::Connected) => Seen::Connected,
            Some(PeeringState::Initiated) => Seen::Initiated,
            _ => Seen::DisconnectedOrMissing,
        }
    }
}

/// What putting our side back answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Restored {
    Connected,
    /// Our side is back, waiting for the customer's.
    Initiated,
    /// The customer's VNet does not exist.
    RemoteMissing,
    /// The customer's VNet no longer lets the provider peer (deleted with its grant, or revoked).
    NotAllowed(String),
    /// The customer's side exists but is `Disconnected`: only they can re-create it.
    RemoteDisconnected,
    /// Anything else: transient.
    Failed(String),
}

impl Restored {
    pub fn from_result(r: Result<PeeringState, &AzureError>) -> Self {
        match r {
            Ok(PeeringState::Connected) => Restored::Connected,
            Ok(_) => Restored::Initiated,
            Err(e) if super::outcome::remote_vnet_missing(e) => Restored::RemoteMissing,
            Err(e) if e.is_arm_code("LinkedAuthorizationFailed") => Restored::NotAllowed(e.to_string()),
            Err(e) if e.is_arm_code("RemotePeeringIsDisconnected") => Restored::RemoteDisconnected,
            Err(e) => Restored::Failed(e.to_string()),
        }
    }
}

/// What the connection is and where it peers, for the messages.
pub struct Facts<'a> {
    pub connection: &'a PeeringConnection,
    pub provider_tenant: &'a str,
    pub provider_vnet: &'a str,
    /// Past the propagation grace: a refused grant is no longer taken for Azure propagating it.
    pub settled: bool,
}

/// What setting up the provider side of an APPROVED connection came to.
#[derive(Debug, Clone, PartialEq)]
pub enum SetUp {
    /// The project VPC's VNet is not built yet.
    VpcNotReady,
    /// Granting the peer role or creating the provider peering failed, as `classify` read it;
    /// `during` names the step.
    Failed { failure: Failure, code: String, during: &'static str },
    /// The provider peering exists, in this state.
    Peered(PeeringState),
}

/// What removing the provider side of a DELETING connection answered.
#[derive(Debug, Clone, PartialEq)]
pub enum TornDown {
    /// Removed, or already gone.
    Gone,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Move to `to`, saying `info` (`None` clears it); `reason` goes to the timeline.
    Move { to: ConnectionState, info: Option<StateInfo>, reason: String },
    /// The customer ended the peering: remove the provider side, then DELETED_BY_PEER.
    EndedByPeer { info: StateInfo, reason: &'static str },
    /// Put our side back, and decide again on what Azure answers.
    Restore,
    /// Stay, saying `info`.
    Note(StateInfo),
    /// A transient failure: try again after a backoff.
    Retry { what: &'static str, error: String },
    /// Nothing changes.
    Stay,
}

/// APPROVED, on what setting up the provider side came to. A peering found already `Connected`
/// still goes through PENDING_PEER (the transition table has no shortcut); the reconciler then
/// decides `on_seen` for it.
pub fn on_set_up(f: &Facts, s: SetUp) -> Decision {
    match s {
        SetUp::VpcNotReady => Decision::Stay,
        SetUp::Failed { failure, code, during } => {
            let reason = format!("{code} while {during}");
            match failure {
                Failure::Invalid(info) => {
                    Decision::Move { to: ConnectionState::InvalidSpecification, info: Some(info), reason }
                }
                Failure::Rejected(info) => {
                    Decision::Move { to: ConnectionState::RejectedByPeer, info: Some(info), reason }
                }
                Failure::Transient(error) => Decision::Retry { what: during, error },
            }
        }
        SetUp::Peered(_) => Decision::Move {
            to: ConnectionState::PendingPeer,
            info: Some(messages::pending_peer(f.connection, f.provider_tenant, f.provider_vnet)),
            reason: "provider peering created".into(),
        },
    }
}

/// DELETING, on what removing the provider side answered.
pub fn on_torn_down(t: TornDown) -> Decision {
    match t {
        TornDown::Gone => Decision::Move {
            to: ConnectionState::Deleted,
            info: None,
            reason: "provider peering and grants removed".into(),
        },
        TornDown::Failed(error) => Decision::Retry { what: "removing the provider peering", error },
    }
}

/// On what the provider peering reads as.
pub fn on_seen(f: &Facts, seen: Seen) -> Decision {
    let state = f.connection.state;
    match (seen, state) {
        (Seen::Connected, ConnectionState::PendingPeer) => Decision::Move {
            to: ConnectionState::Active,
            info: Some(messages::active(f.provider_tenant, f.provider_vnet)),
            reason: "customer peering connected".into(),
        },
        (Seen::Initiated, ConnectionState::Active) => Decision::Move {
            to: ConnectionState::PendingPeer,
            info: Some(messages::peer_removed(f.connection, f.provider_tenant, f.provider_vnet)),
            reason: "customer peering gone".into(),
        },
        (Seen::DisconnectedOrMissing, _) => Decision::Restore,
        _ => Decision::Stay,
    }
}

/// On what putting our side back answered.
pub fn on_restored(f: &Facts, r: Restored) -> Decision {
    let c = f.connection;
    match r {
        Restored::Connected => Decision::Stay,
        Restored::Initiated if c.state == ConnectionState::Active => Decision::Move {
            to: ConnectionState::PendingPeer,
            info: Some(messages::peer_removed(c, f.provider_tenant, f.provider_vnet)),
            reason: "customer peering removed".into(),
        },
        Restored::Initiated => Decision::Stay,
        Restored::RemoteMissing => {
            Decision::EndedByPeer { info: messages::vnet_deleted(c), reason: "customer VNet deleted" }
        }
        // Deleting a VNet takes the role assignments made on it along, so this is also what a
        // deleted VNet looks like when the grant was made on the VNet itself (as the guide does).
        Restored::NotAllowed(_) if f.settled => {
            Decision::EndedByPeer { info: messages::peer_gone(c), reason: "customer VNet deleted or grant removed" }
        }
        // Within the grace a refused grant may still be propagating.
        Restored::NotAllowed(error) => Decision::Retry { what: "restoring the provider peering", error },
        Restored::RemoteDisconnected => {
            Decision::Note(messages::peer_disconnected(c, f.provider_tenant, f.provider_vnet))
        }
        Restored::Failed(error) => Decision::Retry { what: "restoring the provider peering", error },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconciler::fixtures::connection;

    fn facts(c: &PeeringConnection, settled: bool) -> Facts<'_> {
        Facts { connection: c, provider_tenant: "provider-tenant", provider_vnet: "/provider/vnet", settled }
    }

    /// The state a decision leads to (None: the connection stays where it is).
    fn leads_to(d: &Decision) -> Option<ConnectionState> {
        match d {
            Decision::Move { to, .. } => Some(*to),
            Decision::EndedByPeer { .. } => Some(ConnectionState::DeletedByPeer),
            _ => None,
        }
    }

    /// Every state info a watched connection can be given keeps the keys the customer needs.
    fn keys_survive(d: &Decision) {
        let info = match d {
            Decision::Move { info: Some(info), .. } | Decision::Note(info)
                if info.kind != "azure-vnet-peering-deleted-by-peer" =>
            {
                info
            }
            _ => return,
        };
        assert_eq!(info.extra.get("to-tenant-id").map(String::as_str), Some("provider-tenant"), "{info:?}");
        assert_eq!(info.extra.get("to-network-id").map(String::as_str), Some("/provider/vnet"), "{info:?}");
    }

    #[test]
    fn what_is_seen_decides_the_move() {
        use ConnectionState::*;
        let table = [
            (PendingPeer, Seen::Connected, Some(Active)),
            (PendingPeer, Seen::Initiated, None),
            (Active, Seen::Connected, None),
            (Active, Seen::Initiated, Some(PendingPeer)),
        ];
        for (state, seen, want) in table {
            let c = connection(state);
            let d = on_seen(&facts(&c, true), seen);
            assert_eq!(leads_to(&d), want, "{state:?} seeing {seen:?}: {d:?}");
            keys_survive(&d);
        }
        for state in [PendingPeer, Active] {
            let c = connection(state);
            assert_eq!(on_seen(&facts(&c, true), Seen::DisconnectedOrMissing), Decision::Restore, "{state:?}");
        }
    }

    #[test]
    fn what_restoring_answers_decides_the_move() {
        use ConnectionState::*;
        let table = [
            (PendingPeer, Restored::Connected, true, None),
            (Active, Restored::Connected, true, None),
            (PendingPeer, Restored::Initiated, true, None),
            (Active, Restored::Initiated, true, Some(PendingPeer)),
            (PendingPeer, Restored::RemoteMissing, false, Some(DeletedByPeer)),
            (Active, Restored::RemoteMissing, true, Some(DeletedByPeer)),
            (PendingPeer, Restored::NotAllowed("no".into()), true, Some(DeletedByPeer)),
            (Active, Restored::NotAllowed("no".into()), true, Some(DeletedByPeer)),
            (Active, Restored::NotAllowed("no".into()), false, None),
            (PendingPeer, Restored::RemoteDisconnected, true, None),
            (Active, Restored::RemoteDisconnected, true, None),
            (Active, Restored::Failed("throttled".into()), true, None),
        ];
        for (state, restored, settled, want) in table {
            let c = connection(state);
            let d = on_restored(&facts(&c, settled), restored.clone());
            assert_eq!(leads_to(&d), want, "{state:?} restoring {restored:?} (settled {settled}): {d:?}");
            keys_survive(&d);
        }
        let c = connection(Active);
        assert!(matches!(on_restored(&facts(&c, false), Restored::NotAllowed("no".into())), Decision::Retry { .. }));
        assert!(matches!(
            on_restored(&facts(&c, true), Restored::Failed("x".into())),
            Decision::Retry { error, .. } if error == "x"
        ));
        let Decision::Note(info) = on_restored(&facts(&c, true), Restored::RemoteDisconnected) else { panic!() };
        assert!(info.message.contains("Disconnected: delete it"), "{}", info.message);
    }

    #[test]
    fn what_setting_up_came_to_decides_the_move() {
        use ConnectionState::*;
        let failed = |failure: Failure| SetUp::Failed { failure, code: "Code".into(), during: "creating it" };
        let info = StateInfo::new("azure-vnet-peering-x", "fix it");
        let table = [
            (SetUp::VpcNotReady, None),
            (failed(Failure::Invalid(info.clone())), Some(InvalidSpecification)),
            (failed(Failure::Rejected(info.clone())), Some(RejectedByPeer)),
            (failed(Failure::Transient("throttled".into())), None),
            (SetUp::Peered(PeeringState::Initiated), Some(PendingPeer)),
            (SetUp::Peered(PeeringState::Connected), Some(PendingPeer)),
        ];
        for (set_up, want) in table {
            let c = connection(Approved);
            let d = on_set_up(&facts(&c, true), set_up.clone());
            assert_eq!(leads_to(&d), want, "{set_up:?}: {d:?}");
            if let Some(to) = want {
                assert!(Approved.can_become(to), "{to:?} is not a move APPROVED may make");
            }
            // Once the provider peering exists, the customer needs where it is.
            if want == Some(PendingPeer) {
                keys_survive(&d);
            }
        }
        let c = connection(Approved);
        let Decision::Move { reason, info, .. } = on_set_up(&facts(&c, true), failed(Failure::Invalid(info))) else {
            panic!()
        };
        assert_eq!((reason.as_str(), info.map(|i| i.message)), ("Code while creating it", Some("fix it".into())));
        assert_eq!(
            on_set_up(&facts(&c, true), failed(Failure::Transient("throttled".into()))),
            Decision::Retry { what: "creating it", error: "throttled".into() }
        );
    }

    #[test]
    fn what_tearing_down_answered_decides_the_move() {
        let Decision::Move { to, info, .. } = on_torn_down(TornDown::Gone) else { panic!() };
        assert_eq!((to, info), (ConnectionState::Deleted, None));
        assert!(ConnectionState::Deleting.can_become(to));
        assert!(matches!(on_torn_down(TornDown::Failed("x".into())), Decision::Retry { error, .. } if error == "x"));
    }

    #[test]
    fn azure_answers_are_read_into_outcomes() {
        let arm = |code: &str| AzureError::Arm { status: 400, code: code.into(), message: "m".into() };
        for (code, want) in [
            ("InvalidResourceReference", Restored::RemoteMissing),
            ("ReferencedResourceNotProvisioned", Restored::RemoteMissing),
            ("LinkedAuthorizationFailed", Restored::NotAllowed(arm("LinkedAuthorizationFailed").to_string())),
            ("RemotePeeringIsDisconnected", Restored::RemoteDisconnected),
        ] {
            assert_eq!(Restored::from_result(Err(&arm(code))), want, "{code}");
        }
        assert!(matches!(Restored::from_result(Err(&arm("InternalServerError"))), Restored::Failed(_)));
        assert_eq!(Restored::from_result(Ok(PeeringState::Connected)), Restored::Connected);
        assert_eq!(Restored::from_result(Ok(PeeringState::Initiated)), Restored::Initiated);
        assert_eq!(Restored::from_result(Ok(PeeringState::Disconnected)), Restored::Initiated);
    }
}

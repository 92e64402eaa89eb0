//! How an Azure failure moves a connection: some mean the customer must fix their specification,
//! some that the customer has not granted what the guide asks, the rest are retried.

use super::messages;
use crate::domain::{PeeringConnection, StateInfo};
use azure_client::AzureError;

#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// INVALID_SPECIFICATION: the request names something that cannot work.
    Invalid(StateInfo),
    /// REJECTED_BY_PEER: the customer has not (yet) granted access.
    Rejected(StateInfo),
    /// Try again later; the state does not change.
    Transient(String),
}

/// Azure's answer to a peering whose remote VNet does not exist: `InvalidResourceReference`; older
/// answers used `ReferencedResourceNotProvisioned`.
pub fn remote_vnet_missing(e: &AzureError) -> bool {
    e.is_arm_code("InvalidResourceReference") || e.is_arm_code("ReferencedResourceNotProvisioned")
}

/// Classifies a failure of the provider-side setup (service principal, grants, provider peering).
/// `settled` is false while Azure may still be propagating what the customer just created; until
/// then a missing grant is retried rather than rejected.
pub fn classify(e: &AzureError, c: &PeeringConnection, provider_app_id: &str, settled: bool) -> Failure {
    let code = e.service_code().unwrap_or("");
    let text = e.to_string();
    if e.retryable() {
        return Failure::Transient(text);
    }
    match (code, e.aadsts()) {
        (_, Some(90002)) => Failure::Invalid(messages::tenant_not_found(c)),
        (_, Some(700016)) if settled => Failure::Rejected(messages::provider_sp_missing(c, provider_app_id)),
        (_, Some(700016)) => Failure::Transient(text),
        ("NoBackingApplicationObject", _) => Failure::Invalid(messages::app_not_multi_tenant(c)),
        _ if remote_vnet_missing(e) => Failure::Invalid(messages::vnet_missing(c)),
        ("VnetAddressSpacesOverlap", _) => Failure::Invalid(messages::overlap(c, &text)),
        ("VnetAddressSpaceOverlapsWithAlreadyPeeredVnet", _) => {
            Failure::Invalid(messages::overlap_with_peered(c, &text))
        }
        ("LinkedAuthorizationFailed", _) if text.contains("not authorized to access linked subscription") => {
            Failure::Invalid(messages::subscription_not_in_tenant(c))
        }
        ("LinkedAuthorizationFailed", _) if settled => {
            Failure::Rejected(messages::peer_permission_missing(c, provider_app_id))
        }
        // Clears once the customer deletes their stale side: retried, saying what they must do.
        ("RemotePeeringIsDisconnected", _) => Failure::Transient(messages::stale_peer_side(c)),
        _ => Failure::Transient(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ConnectionState;

    fn connection() -> PeeringConnection {
        crate::reconciler::fixtures::connection(ConnectionState::Approved)
    }

    fn arm(code: &str) -> AzureError {
        AzureError::Arm { status: 400, code: code.into(), message: "Overlapping address prefixes: 10.1.0.0/16".into() }
    }

    fn aad(aadsts: u32) -> AzureError {
        AzureError::Aad {
            status: 400,
            error: "invalid_request".into(),
            aadsts: Some(aadsts),
            description: format!("AADSTS{aadsts}: ..."),
        }
    }

    #[derive(Debug, PartialEq)]
    enum Kind {
        Invalid,
        Rejected,
        Transient,
    }

    fn kind(f: &Failure) -> Kind {
        match f {
            Failure::Invalid(_) => Kind::Invalid,
            Failure::Rejected(_) => Kind::Rejected,
            Failure::Transient(_) => Kind::Transient,
        }
    }

    /// Every Azure outcome of the provider-side setup, settled or still within the grace.
    #[test]
    fn every_azure_outcome_lands_where_the_customer_can_act() {
        use Kind::*;
        let linked = |text: &str| AzureError::Arm {
            status: 403,
            code: "LinkedAuthorizationFailed".into(),
            message: text.into(),
        };
        let table: Vec<(AzureError, bool, Kind)> = vec![
            (AzureError::Arm { status: 429, code: "TooManyRequests".into(), message: "m".into() }, true, Transient),
            (AzureError::Arm { status: 500, code: "InternalServerError".into(), message: "m".into() }, true, Transient),
            (AzureError::Transport("reset".into()), true, Transient),
            (aad(90002), false, Invalid),
            (aad(700016), true, Rejected),
            (aad(700016), false, Transient),
            (arm("NoBackingApplicationObject"), true, Invalid),
            (arm("InvalidResourceReference"), false, Invalid),
            (arm("ReferencedResourceNotProvisioned"), false, Invalid),
            (arm("VnetAddressSpacesOverlap"), false, Invalid),
            (arm("VnetAddressSpaceOverlapsWithAlreadyPeeredVnet"), false, Invalid),
            (linked("the current tenant 't' is not authorized to access linked subscription 's'"), false, Invalid),
            (linked("does not have permission to perform action(s) 'peer/action'"), true, Rejected),
            (linked("does not have permission to perform action(s) 'peer/action'"), false, Transient),
            (arm("RemotePeeringIsDisconnected"), true, Transient),
            (arm("SomethingNew"), true, Transient),
        ];
        let c = connection();
        for (e, settled, want) in table {
            let got = classify(&e, &c, "provider-app", settled);
            assert_eq!(kind(&got), want, "{e} (settled {settled}): {got:?}");
            if let Failure::Invalid(info) | Failure::Rejected(info) = &got {
                assert!(!info.message.is_empty() && !info.kind.is_empty(), "{info:?}");
            }
        }
    }

    #[test]
    fn a_stale_disconnected_customer_side_names_its_fix() {
        let c = connection();
        let Failure::Transient(text) = classify(&arm("RemotePeeringIsDisconnected"), &c, "p", true) else { panic!() };
        assert!(text.contains("Disconnected") && text.contains("az network vnet peering delete"), "{text}");
        assert!(text.contains(&c.peer_vpc) && text.contains(&c.peer_resource_group), "{text}");
    }

    #[test]
    fn overlaps_name_the_fix_that_applies() {
        let c = connection();
        let Failure::Invalid(own) = classify(&arm("VnetAddressSpacesOverlap"), &c, "p", true) else { panic!() };
        assert!(own.message.contains("Use a project VPC whose network_cidr does not overlap"), "{}", own.message);
        let Failure::Invalid(third) = classify(&arm("VnetAddressSpaceOverlapsWithAlreadyPeeredVnet"), &c, "p", true)
        else {
            panic!()
        };
        assert!(third.message.contains("already peered") && third.message.contains("Renumber your VNet"));
        assert!(
            !third.message.contains("network_cidr"),
            "the project VPC's CIDR is not the problem: {}",
            third.message
        );
    }
}

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
        // Azure names a missing remote VNet `InvalidResourceReference`; older answers used the other.
        ("InvalidResourceReference" | "ReferencedResourceNotProvisioned", _) => {
            Failure::Invalid(messages::vnet_missing(c))
        }
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

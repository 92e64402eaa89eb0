//! Finding one peering connection among a VPC's `peering_connections`, client-side as `avn` does,
//! but comparing names case-insensitively because Azure names are.

use crate::control_plane_api::{wait::is_live, Connection, Vpc};

/// Which connection the user means: subscription, optional resource group, VNet, optional region.
#[derive(Clone, Debug)]
pub struct Selector {
    pub account: String,
    pub resource_group: Option<String>,
    pub vnet: String,
    pub region: Option<String>,
}

impl Selector {
    pub fn matches(&self, c: &Connection) -> bool {
        c.peer_cloud_account.eq_ignore_ascii_case(&self.account)
            && c.peer_vpc.eq_ignore_ascii_case(&self.vnet)
            && self.resource_group.as_deref().is_none_or(|rg| c.peer_resource_group.eq_ignore_ascii_case(rg))
            && self
                .region
                .as_deref()
                .is_none_or(|r| c.peer_region.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(r)))
    }

    /// The matching connection of a VPC: the first live one, else the first one at all (a
    /// connection deleted by the peer may still be listed beside its replacement).
    pub fn find<'a>(&self, vpc: &'a Vpc) -> Option<&'a Connection> {
        let mut found = vpc.peering_connections.iter().filter(|c| self.matches(c));
        let first = found.clone().next();
        found.find(|c| is_live(c)).or(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sel(rg: Option<&str>) -> Selector {
        Selector { account: "SUB".into(), resource_group: rg.map(Into::into), vnet: "My-VNet".into(), region: None }
    }

    fn connection(rg: &str, vnet: &str, state: &str) -> serde_json::Value {
        json!({"create_time": "2026-01-01T00:00:00Z", "update_time": "2026-01-01T00:00:00Z",
               "peer_azure_app_id": "a", "peer_azure_tenant_id": "t", "peer_cloud_account": "sub",
               "peer_region": null, "peer_resource_group": rg, "peer_vpc": vnet,
               "peering_connection_id": uuid::Uuid::new_v4(), "state": state, "state_info": null,
               "user_peer_network_cidrs": [], "vpc_peering_connection_type": "azure-vnet-peering"})
    }

    fn vpc(connections: Vec<serde_json::Value>) -> Vpc {
        serde_json::from_value(json!({"cloud_name": "azure-westeurope", "create_time": "2026-01-01T00:00:00Z",
            "update_time": "2026-01-01T00:00:00Z", "network_cidr": "10.1.0.0/24", "state": "ACTIVE",
            "project_vpc_id": uuid::Uuid::new_v4(), "pending_build_only_peering_connections": null,
            "peering_connections": connections}))
        .expect("a VPC as the API answers it")
    }

    #[test]
    fn names_match_case_insensitively_and_the_group_is_optional() {
        let v = vpc(vec![connection("rg", "my-vnet", "ACTIVE")]);
        let c = &v.peering_connections[0];
        assert!(sel(None).matches(c));
        assert!(sel(Some("RG")).matches(c));
        assert!(!sel(Some("other")).matches(c));
        let mut with_region = sel(None);
        with_region.region = Some("westeurope".into());
        assert!(!with_region.matches(c), "Azure connections have no region");
    }

    #[test]
    fn a_live_connection_is_preferred_over_a_dead_one_with_the_same_names() {
        let v = vpc(vec![connection("rg", "my-vnet", "DELETED_BY_PEER"), connection("rg", "my-vnet", "APPROVED")]);
        assert_eq!(sel(None).find(&v).unwrap().state.as_str(), "APPROVED");
        let only_dead = vpc(vec![connection("rg", "my-vnet", "DELETED_BY_PEER")]);
        assert_eq!(sel(None).find(&only_dead).unwrap().state.as_str(), "DELETED_BY_PEER");
    }

    #[test]
    fn not_found_lists_the_live_connections() {
        let v = vpc(vec![connection("rg", "right-vnet", "ACTIVE"), connection("rg", "gone", "DELETED")]);
        let e = crate::control_plane_api::wait::not_found(&v).to_string();
        assert!(
            e.starts_with("Peering connection does not exist; ") && e.contains("sub rg/right-vnet (ACTIVE)"),
            "{e}"
        );
        assert!(!e.contains("gone"), "{e}");
        assert_eq!(
            crate::control_plane_api::wait::not_found(&vpc(vec![])).to_string(),
            "Peering connection does not exist"
        );
    }
}

//! Finding one peering connection among a VPC's `peering_connections`, client-side as `avn` does,
//! but comparing names case-insensitively because Azure names are.

use serde_json::Value;

/// Which connection the user means: subscription, optional resource group, VNet, optional region.
#[derive(Clone, Debug)]
pub struct Selector {
    pub account: String,
    pub resource_group: Option<String>,
    pub vnet: String,
    pub region: Option<String>,
}

fn same(field: &Value, wanted: &str) -> bool {
    field.as_str().is_some_and(|s| s.eq_ignore_ascii_case(wanted))
}

impl Selector {
    pub fn matches(&self, c: &Value) -> bool {
        same(&c["peer_cloud_account"], &self.account)
            && same(&c["peer_vpc"], &self.vnet)
            && self.resource_group.as_deref().is_none_or(|rg| same(&c["peer_resource_group"], rg))
            && self.region.as_deref().is_none_or(|r| same(&c["peer_region"], r))
    }

    /// The matching connection of a VPC object: the first live one, else the first one at all (a
    /// connection deleted by the peer may still be listed beside its replacement).
    pub fn find<'a>(&self, vpc: &'a Value) -> Option<&'a Value> {
        let mut found = connections(vpc).iter().filter(|c| self.matches(c));
        let first = found.clone().next();
        found.find(|c| !matches!(c["state"].as_str(), Some("DELETED" | "DELETED_BY_PEER"))).or(first)
    }
}

/// A VPC's `peering_connections` (empty when absent).
pub fn connections(vpc: &Value) -> &[Value] {
    vpc["peering_connections"].as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// "Peering connection does not exist" (avn's words), naming the VPC's live connections when there
/// are any, so a mistyped name shows the right one.
pub fn not_found(vpc: &Value) -> anyhow::Error {
    let live: Vec<String> = connections(vpc)
        .iter()
        .filter(|c| !matches!(c["state"].as_str(), Some("DELETED" | "DELETED_BY_PEER")))
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or("?").to_string();
            format!("{} {}/{} ({})", s("peer_cloud_account"), s("peer_resource_group"), s("peer_vpc"), s("state"))
        })
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

/// The connection with this `peering_connection_id`.
pub fn by_id<'a>(vpc: &'a Value, id: &str) -> Option<&'a Value> {
    connections(vpc).iter().find(|c| c["peering_connection_id"].as_str() == Some(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sel(rg: Option<&str>) -> Selector {
        Selector { account: "SUB".into(), resource_group: rg.map(Into::into), vnet: "My-VNet".into(), region: None }
    }

    #[test]
    fn not_found_lists_the_live_connections() {
        let vpc = json!({"peering_connections": [
            {"peer_cloud_account": "s", "peer_resource_group": "rg", "peer_vpc": "right-vnet", "state": "ACTIVE"},
            {"peer_cloud_account": "s", "peer_resource_group": "rg", "peer_vpc": "gone", "state": "DELETED"},
        ]});
        let e = not_found(&vpc).to_string();
        assert!(e.starts_with("Peering connection does not exist; ") && e.contains("s rg/right-vnet (ACTIVE)"), "{e}");
        assert!(!e.contains("gone"), "{e}");
        assert_eq!(not_found(&json!({})).to_string(), "Peering connection does not exist");
    }

    #[test]
    fn names_match_case_insensitively_and_the_group_is_optional() {
        let c = json!({"peer_cloud_account": "sub", "peer_resource_group": "rg", "peer_vpc": "my-vnet", "peer_region": null});
        assert!(sel(None).matches(&c));
        assert!(sel(Some("RG")).matches(&c));
        assert!(!sel(Some("other")).matches(&c));
        let mut with_region = sel(None);
        with_region.region = Some("westeurope".into());
        assert!(!with_region.matches(&c), "Azure connections have no region");
    }

    #[test]
    fn a_live_connection_is_preferred_over_a_dead_one_with_the_same_names() {
        let dead = json!({"peer_cloud_account": "sub", "peer_vpc": "my-vnet", "state": "DELETED_BY_PEER"});
        let live = json!({"peer_cloud_account": "sub", "peer_vpc": "my-vnet", "state": "APPROVED"});
        let vpc = json!({"peering_connections": [dead, live]});
        assert_eq!(sel(None).find(&vpc).unwrap()["state"], "APPROVED");
        let only_dead = json!({"peering_connections": [dead]});
        assert_eq!(sel(None).find(&only_dead).unwrap()["state"], "DELETED_BY_PEER");
    }
}

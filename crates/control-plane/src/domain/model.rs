//! The control plane's records: project VPCs, Azure peering connections, their state info and
//! timeline events.

use super::{ConnectionState, VpcState};
use chrono::{DateTime, Utc};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct Vpc {
    pub id: Uuid,
    pub project: String,
    pub cloud_name: String,
    pub network_cidr: IpNet,
    pub state: VpcState,
    /// The provider VNet's ARM id, once provisioned.
    pub provider_vnet_id: Option<String>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// When a client last asked for its connections to be re-checked at once (`POST …/refresh`).
    pub refresh_requested: Option<DateTime<Utc>>,
    /// Changes whenever what is shown of the VPC's connections changes (see `Store::bump_connections`).
    pub connections_version: i64,
    /// When the last sweep of its provider VNet began its read.
    pub observed: Option<DateTime<Utc>>,
}

impl Vpc {
    /// The Azure location behind the cloud: `azure-westeurope` → `westeurope`,
    /// `azure-germany-westcentral` → `germanywestcentral` (the catalogue's, not a string rule).
    pub fn region(&self) -> &str {
        match super::clouds::find(&self.cloud_name) {
            Some(c) => c.azure_region,
            None => self.cloud_name.strip_prefix("azure-").unwrap_or(&self.cloud_name),
        }
    }
}

/// What a connection's `state_info` says: a human message naming what to fix, a machine type, and
/// extra keys (Azure's hyphenated `to-tenant-id`, `to-network-id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateInfo {
    pub message: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

impl StateInfo {
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        StateInfo { message: message.into(), kind: kind.to_string(), extra: BTreeMap::new() }
    }
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.extra.insert(key.to_string(), value.into());
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PeeringConnection {
    pub id: Uuid,
    pub vpc_id: Uuid,
    pub project: String,
    pub peer_cloud_account: String,
    pub peer_resource_group: String,
    pub peer_vpc: String,
    pub peer_azure_app_id: String,
    pub peer_azure_tenant_id: String,
    pub user_peer_network_cidrs: Vec<IpNet>,
    pub state: ConnectionState,
    pub state_info: Option<StateInfo>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

impl PeeringConnection {
    /// The customer VNet's ARM id, in the case the customer typed.
    pub fn peer_vnet_id(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/virtualNetworks/{}",
            self.peer_cloud_account, self.peer_resource_group, self.peer_vpc
        )
    }

    /// Whether this connection is the one named by (account, group, VNet); Azure names compare
    /// without regard to case, and a missing group matches any.
    pub fn matches(&self, account: &str, resource_group: Option<&str>, vnet: &str) -> bool {
        self.peer_cloud_account.eq_ignore_ascii_case(account)
            && self.peer_vpc.eq_ignore_ascii_case(vnet)
            && resource_group.is_none_or(|rg| self.peer_resource_group.eq_ignore_ascii_case(rg))
    }
}

/// A validated request to create a connection.
#[derive(Debug, Clone, PartialEq)]
pub struct NewConnection {
    pub peer_cloud_account: String,
    pub peer_resource_group: String,
    pub peer_vpc: String,
    pub peer_azure_app_id: String,
    pub peer_azure_tenant_id: String,
    pub user_peer_network_cidrs: Vec<IpNet>,
}

/// One entry of a connection's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectionEvent {
    pub from: Option<ConnectionState>,
    pub to: ConnectionState,
    pub reason: String,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vpc_region_is_its_clouds_azure_location() {
        let vpc = |cloud: &str| Vpc {
            id: Uuid::nil(),
            project: "p".into(),
            cloud_name: cloud.into(),
            network_cidr: "10.0.0.0/24".parse().unwrap(),
            state: VpcState::Approved,
            provider_vnet_id: None,
            created: Utc::now(),
            updated: Utc::now(),
            refresh_requested: None,
            connections_version: 0,
            observed: None,
        };
        assert_eq!(vpc("azure-westeurope").region(), "westeurope");
        assert_eq!(vpc("azure-germany-westcentral").region(), "germanywestcentral");
        assert_eq!(vpc("azure-sweden-central").region(), "swedencentral");
    }
}

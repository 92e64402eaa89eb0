//! ARM resources: subscriptions, resource groups, virtual networks with their subnets and peerings.

use crate::authorization::scope::VnetRef;
use chrono::{DateTime, Utc};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Subscription {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub display_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResourceGroup {
    pub subscription_id: Uuid,
    pub name: String,
    pub location: String,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

impl ResourceGroup {
    pub fn id(&self) -> String {
        format!("/subscriptions/{}/resourceGroups/{}", self.subscription_id, self.name)
    }
    pub fn key(subscription: Uuid, name: &str) -> String {
        format!("/subscriptions/{subscription}/resourcegroups/{}", name.to_ascii_lowercase())
    }
}

/// Properties a client sent that the emulator does not model (`dhcpOptions`,
/// `serviceEndpoints`, …): kept and echoed as sent, never dropped silently.
pub type Unmodeled = serde_json::Map<String, serde_json::Value>;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Subnet {
    pub name: String,
    pub address_prefix: IpNet,
    pub etag: Uuid,
    #[serde(default)]
    pub unmodeled: Unmodeled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PeeringState {
    Initiated,
    Connected,
    Disconnected,
}

impl PeeringState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Initiated => "Initiated",
            Self::Connected => "Connected",
            Self::Disconnected => "Disconnected",
        }
    }
}

/// The writable flags of a peering, as the client sent them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PeeringFlags {
    pub allow_virtual_network_access: bool,
    pub allow_forwarded_traffic: bool,
    pub allow_gateway_transit: bool,
    pub use_remote_gateways: bool,
    pub do_not_verify_remote_gateways: bool,
    pub peer_complete_vnets: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Peering {
    pub name: String,
    pub remote: VnetRef,
    pub flags: PeeringFlags,
    pub state: PeeringState,
    /// The remote address space as last synced; compared with the remote's current one for
    /// `peeringSyncLevel`.
    pub remote_address_space: Vec<IpNet>,
    pub resource_guid: Uuid,
    pub etag: Uuid,
    pub created: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VirtualNetwork {
    pub vnet: VnetRef,
    pub location: String,
    pub address_prefixes: Vec<IpNet>,
    #[serde(default)]
    pub subnets: Vec<Subnet>,
    #[serde(default)]
    pub peerings: Vec<Peering>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    pub resource_guid: Uuid,
    pub etag: Uuid,
    #[serde(default)]
    pub unmodeled: Unmodeled,
}

impl VirtualNetwork {
    pub fn peering(&self, name: &str) -> Option<&Peering> {
        self.peerings.iter().find(|p| p.name.eq_ignore_ascii_case(name))
    }
    pub fn subnet(&self, name: &str) -> Option<&Subnet> {
        self.subnets.iter().find(|s| s.name.eq_ignore_ascii_case(name))
    }
}

/// The prefixes of `a` and `b` that overlap, as "a, b" pairs in Azure's message format.
pub fn overlapping_prefixes(a: &[IpNet], b: &[IpNet]) -> Vec<String> {
    let mut out = Vec::new();
    for x in a {
        for y in b {
            if x.contains(&y.network()) || y.contains(&x.network()) {
                out.push(format!("{x}, {y}"));
            }
        }
    }
    out
}

/// Parses a CIDR as Azure accepts it: the address must be the network address.
pub fn parse_prefix(s: &str) -> Option<IpNet> {
    let net: IpNet = s.trim().parse().ok()?;
    (net.trunc() == net).then_some(net)
}

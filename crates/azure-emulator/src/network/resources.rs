//! ARM resources: subscriptions, resource groups, virtual networks with their subnets and peerings,
//! network interfaces with their IP configurations.

use crate::authorization::access::Op;
use crate::authorization::scope::{NicRef, VnetRef, NIC_TYPE, VNET_TYPE};
use chrono::{DateTime, Utc};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
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

/// What the keys (lower-cased ids) of a subscription's resources start with.
pub fn subscription_key_prefix(subscription: Uuid) -> String {
    format!("/subscriptions/{subscription}/")
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

/// Where a resource in a resource group lives, and what the generic list shows of it.
pub struct Placement<'a> {
    pub subscription: Uuid,
    pub resource_group: &'a str,
    pub name: &'a str,
    pub location: &'a str,
    pub tags: &'a BTreeMap<String, String>,
}

/// A resource that lives in a resource group, as lists, the generic list and group deletes see it.
pub trait GroupResource {
    const TYPE: &'static str;
    /// What reading one needs.
    const READ: Op;
    fn placement(&self) -> Placement<'_>;
    fn id(&self) -> String {
        let p = self.placement();
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/{}/{}",
            p.subscription,
            p.resource_group,
            Self::TYPE,
            p.name
        )
    }
    /// In the subscription, and in the group when one is given (names compare without case).
    fn is_in(&self, subscription: Uuid, group: Option<&str>) -> bool {
        let p = self.placement();
        p.subscription == subscription && group.is_none_or(|g| p.resource_group.eq_ignore_ascii_case(g))
    }
}

/// `GroupResource` for a resource whose id parts are in field `$reference`.
macro_rules! group_resource {
    ($t:ty, $reference:ident, $type:expr, $read:expr) => {
        impl GroupResource for $t {
            const TYPE: &'static str = $type;
            const READ: Op = $read;
            fn placement(&self) -> Placement<'_> {
                let r = &self.$reference;
                Placement {
                    subscription: r.subscription,
                    resource_group: &r.resource_group,
                    name: &r.name,
                    location: &self.location,
                    tags: &self.tags,
                }
            }
        }
    };
}

group_resource!(VirtualNetwork, vnet, VNET_TYPE, Op::ReadVnet);
group_resource!(NetworkInterface, nic, NIC_TYPE, Op::ReadNic);

/// A subnet named by its VNet and its name, as a NIC's IP configuration refers to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetRef {
    pub vnet: VnetRef,
    pub name: String,
}

impl SubnetRef {
    pub fn id(&self) -> String {
        format!("{}/subnets/{}", self.vnet.id(), self.name)
    }
    /// Ids compare case-insensitively.
    pub fn same(&self, other: &SubnetRef) -> bool {
        self.vnet.key() == other.vnet.key() && self.name.eq_ignore_ascii_case(&other.name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IpAllocation {
    Dynamic,
    Static,
}

impl IpAllocation {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dynamic => "Dynamic",
            Self::Static => "Static",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IpConfiguration {
    pub name: String,
    pub subnet: SubnetRef,
    pub private_ip_address: Ipv4Addr,
    pub allocation: IpAllocation,
    pub primary: bool,
    #[serde(default)]
    pub unmodeled: Unmodeled,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NetworkInterface {
    pub nic: NicRef,
    pub location: String,
    pub ip_configurations: Vec<IpConfiguration>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    pub resource_guid: Uuid,
    /// The NIC's etag, which its IP configurations share.
    pub etag: Uuid,
    #[serde(default)]
    pub unmodeled: Unmodeled,
}

impl NetworkInterface {
    pub fn ip_configuration_id(&self, ipc: &IpConfiguration) -> String {
        format!("{}/ipConfigurations/{}", self.nic.id(), ipc.name)
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

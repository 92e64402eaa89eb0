//! Virtual networks and peerings as the reconciler sees them, read from ARM's JSON (which nests
//! everything under `properties`).

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualNetwork {
    pub id: String,
    pub name: String,
    pub location: String,
    pub address_prefixes: Vec<String>,
    pub subnets: Vec<Subnet>,
    pub peerings: Vec<Peering>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Subnet {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peering {
    pub id: String,
    pub name: String,
    pub remote_vnet_id: String,
    pub peering_state: PeeringState,
    /// `FullyInSync`, `RemoteNotInSync`, `LocalNotInSync` or `LocalAndRemoteNotInSync`.
    pub peering_sync_level: Option<String>,
    /// `Succeeded`, `Updating`, `Deleting` or `Failed`.
    pub provisioning_state: Option<String>,
    pub allow_virtual_network_access: bool,
    /// The remote VNet's prefixes as this peering last saw them.
    pub remote_address_prefixes: Vec<String>,
}

/// `Initiated`: only this side exists. `Connected`: both sides reference each other.
/// `Disconnected`: the remote side was deleted or re-created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeeringState {
    Initiated,
    Connected,
    Disconnected,
    Other(String),
}

impl From<String> for PeeringState {
    fn from(s: String) -> Self {
        match s.to_ascii_lowercase().as_str() {
            "initiated" => PeeringState::Initiated,
            "connected" => PeeringState::Connected,
            "disconnected" => PeeringState::Disconnected,
            _ => PeeringState::Other(s),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct AddressSpace {
    #[serde(default)]
    address_prefixes: Vec<String>,
}

#[derive(Deserialize)]
struct IdRef {
    #[serde(default)]
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct VnetWire {
    id: String,
    name: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    properties: VnetProperties,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct VnetProperties {
    address_space: Option<AddressSpace>,
    #[serde(default)]
    subnets: Vec<Subnet>,
    #[serde(default)]
    virtual_network_peerings: Vec<PeeringWire>,
}

impl From<VnetWire> for VirtualNetwork {
    fn from(w: VnetWire) -> Self {
        VirtualNetwork {
            id: w.id,
            name: w.name,
            location: w.location,
            address_prefixes: w.properties.address_space.unwrap_or_default().address_prefixes,
            subnets: w.properties.subnets,
            peerings: w.properties.virtual_network_peerings.into_iter().map(Peering::from).collect(),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PeeringWire {
    id: String,
    name: String,
    properties: PeeringProperties,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PeeringProperties {
    remote_virtual_network: Option<IdRef>,
    #[serde(default)]
    peering_state: Option<String>,
    peering_sync_level: Option<String>,
    provisioning_state: Option<String>,
    #[serde(default)]
    allow_virtual_network_access: bool,
    remote_address_space: Option<AddressSpace>,
    remote_virtual_network_address_space: Option<AddressSpace>,
}

impl From<PeeringWire> for Peering {
    fn from(w: PeeringWire) -> Self {
        let p = w.properties;
        // The VNet's current prefixes win over the ones the peering was created with.
        let remote = p.remote_virtual_network_address_space.or(p.remote_address_space).unwrap_or_default();
        Peering {
            id: w.id,
            name: w.name,
            remote_vnet_id: p.remote_virtual_network.map(|r| r.id).unwrap_or_default(),
            peering_state: PeeringState::from(p.peering_state.unwrap_or_default()),
            peering_sync_level: p.peering_sync_level,
            provisioning_state: p.provisioning_state,
            allow_virtual_network_access: p.allow_virtual_network_access,
            remote_address_prefixes: remote.address_prefixes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_vnet_with_a_peering() {
        let w: VnetWire = serde_json::from_value(json!({
            "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
            "name": "v", "location": "westeurope",
            "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "virtualNetworkPeerings": [{
                "id": "…/virtualNetworkPeerings/p", "name": "p",
                "properties": {"peeringState": "Initiated", "peeringSyncLevel": "FullyInSync",
                    "provisioningState": "Succeeded", "remoteVirtualNetwork": {"id": "/r"},
                    "allowVirtualNetworkAccess": true, "remoteAddressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}
            }]}
        }))
        .unwrap();
        let v = VirtualNetwork::from(w);
        assert_eq!(v.address_prefixes, ["10.0.0.0/16"]);
        let p = &v.peerings[0];
        assert_eq!(p.peering_state, PeeringState::Initiated);
        assert_eq!((p.remote_vnet_id.as_str(), p.allow_virtual_network_access), ("/r", true));
        assert_eq!(p.remote_address_prefixes, ["10.1.0.0/16"]);
    }
}

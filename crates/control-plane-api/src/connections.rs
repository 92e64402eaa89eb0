//! Azure peering connections: the create body, the connection as read, its `state_info`, and its
//! timeline (an isthmus extension).

use crate::states::ConnectionState;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// The customer VNet to peer with. Names keep the case given. The server validates every field
/// and says what is wrong; the document states the rules in words so that clients send what the
/// user typed and show the server's answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VpcPeeringConnectionCreateIn {
    /// The customer's Azure subscription id (a GUID; braced, dash-less and `urn:uuid:` spellings
    /// are stored in the canonical form).
    pub peer_cloud_account: String,
    /// The customer VNet's resource group: 1-90 letters, digits, `_-.()`, not ending in `.`.
    /// Optional in Aiven's API, required here.
    #[schema(required, nullable = false)]
    pub peer_resource_group: Option<String>,
    /// The customer VNet's name: 2-64 letters, digits, `_-.`, starting alphanumeric and ending
    /// alphanumeric or `_`.
    pub peer_vpc: String,
    /// The customer's application (client) id (a GUID), multi-tenant.
    #[schema(required, nullable = false)]
    pub peer_azure_app_id: Option<String>,
    /// The customer's Azure AD tenant id (a GUID).
    #[schema(required, nullable = false)]
    pub peer_azure_tenant_id: Option<String>,
    /// Must be omitted, null or empty: an Azure VNet's region comes from Azure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_region: Option<String>,
    /// Extra networks to route through the peering; default empty.
    #[serde(default)]
    pub user_peer_network_cidrs: Vec<String>,
}

/// An Azure VNet peering connection (`PeeringConnectionOut`). Every key is always present.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PeeringConnectionOut {
    /// When the connection was created (ISO-8601, UTC, `Z`).
    #[schema(format = DateTime)]
    pub create_time: String,
    /// The customer's application (client) id.
    pub peer_azure_app_id: String,
    /// The customer's Azure AD tenant id.
    pub peer_azure_tenant_id: String,
    /// The customer's Azure subscription id.
    pub peer_cloud_account: String,
    /// Always null on Azure.
    #[schema(required)]
    pub peer_region: Option<String>,
    /// The customer VNet's resource group, in the case given.
    pub peer_resource_group: String,
    /// The customer VNet's name, in the case given.
    pub peer_vpc: String,
    /// The connection's id.
    pub peering_connection_id: Uuid,
    pub state: ConnectionState,
    /// Null (as on a new connection) or an object with at least `message`.
    #[schema(required)]
    pub state_info: Option<StateInfo>,
    /// When the connection last changed (ISO-8601, UTC, `Z`).
    #[schema(format = DateTime)]
    pub update_time: String,
    /// Extra networks routed through the peering; usually empty on Azure.
    pub user_peer_network_cidrs: Vec<String>,
    /// Always `azure-vnet-peering`.
    #[schema(pattern = "^azure-vnet-peering$")]
    pub vpc_peering_connection_type: String,
}

impl PeeringConnectionOut {
    /// Not DELETED or DELETED_BY_PEER: it holds its (subscription, group, VNet) slot.
    pub fn is_live(&self) -> bool {
        self.state.is_live()
    }

    /// `state_info.message`, or an empty string.
    pub fn message(&self) -> &str {
        self.state_info.as_ref().map_or("", |i| i.message.as_str())
    }
}

/// Why the connection is in its state and what to do next. Types include
/// `azure-vnet-peering-pending-peer`, `azure-vnet-peering-active`, `azure-vnet-peering-peer-removed`,
/// `azure-vnet-peering-peer-disconnected`, `azure-vnet-peering-vnet-not-found`,
/// `azure-vnet-peering-subscription-not-found`, `azure-vnet-peering-tenant-not-found`,
/// `azure-vnet-peering-overlapping-address-space`, `azure-vnet-peering-app-not-multi-tenant`,
/// `azure-vnet-peering-provider-app-not-in-tenant`, `azure-vnet-peering-missing-peer-permission`,
/// `azure-vnet-peering-deleted-by-peer` and `azure-vnet-peering-retrying`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StateInfo {
    /// A human message naming what to fix and how.
    pub message: String,
    /// A machine-readable kind.
    #[serde(rename = "type")]
    pub kind: String,
    /// While the provider's peering exists: the provider's Azure AD tenant, to log the customer's
    /// app in to.
    #[serde(rename = "to-tenant-id", default, skip_serializing_if = "Option::is_none")]
    pub to_tenant_id: Option<String>,
    /// While the provider's peering exists: the provider VNet's ARM id, for
    /// `az network vnet peering create --remote-vnet`.
    #[serde(rename = "to-network-id", default, skip_serializing_if = "Option::is_none")]
    pub to_network_id: Option<String>,
    /// Problems that do not stop the connection, e.g. peer ranges overlapping another connection's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<StateInfoWarning>,
    /// Other keys, all strings.
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

/// A warning on a connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StateInfoWarning {
    /// What is wrong.
    pub message: String,
    /// `overlapping-peer-vpc-ip-ranges`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// A connection's current state and its transitions (isthmus extension).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PeeringConnectionEventsOut {
    /// The connection's id.
    pub peering_connection_id: Uuid,
    pub state: ConnectionState,
    /// The transitions, oldest first.
    pub events: Vec<PeeringConnectionEvent>,
}

/// One transition.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PeeringConnectionEvent {
    /// The state left; null for the creation.
    #[schema(required)]
    pub from_state: Option<ConnectionState>,
    pub to_state: ConnectionState,
    /// Why the connection changed state.
    pub reason: String,
    /// When (ISO-8601, UTC, `Z`).
    #[schema(format = DateTime)]
    pub time: String,
}

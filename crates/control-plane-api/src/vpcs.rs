//! Project VPCs: the create body, the VPC as listed and as read, and the user-peer-network-cidrs
//! update.

use crate::connections::PeeringConnectionOut;
use crate::states::VpcState;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The cloud and the network of a new project VPC.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VpcCreateIn {
    /// The Azure region to build the VPC in, as `azure-<region>`.
    #[schema(example = "azure-westeurope")]
    pub cloud_name: String,
    /// A private IPv4 network (10/8, 172.16/12 or 192.168/16) between /16 and /24, written as its
    /// network address, not overlapping another VPC of the project in the same cloud.
    #[schema(example = "10.1.0.0/24")]
    pub network_cidr: String,
    /// Must be empty or omitted: create connections with `POST .../peering-connections` once the
    /// VPC exists. `avn` sends `[]`.
    #[serde(default)]
    #[schema(max_items = 0, value_type = Vec<Object>)]
    pub peering_connections: Vec<serde_json::Value>,
}

/// A project VPC as listed (`VpcOut`): no peering connections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VpcOut {
    /// The cloud, `azure-<region>`.
    #[schema(example = "azure-westeurope")]
    pub cloud_name: String,
    /// When the VPC was created (ISO-8601, UTC, `Z`).
    #[schema(format = DateTime)]
    pub create_time: String,
    /// The VPC's private IPv4 network.
    #[schema(example = "10.1.0.0/24")]
    pub network_cidr: String,
    /// The project VPC's id.
    pub project_vpc_id: Uuid,
    pub state: VpcState,
    /// When the VPC last changed (ISO-8601, UTC, `Z`).
    #[schema(format = DateTime)]
    pub update_time: String,
}

/// A project VPC with its peering connections (`VpcGetOut`). Fields are in alphabetical order, as
/// in Aiven's answers.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VpcGetOut {
    /// The cloud, `azure-<region>`.
    #[schema(example = "azure-westeurope")]
    pub cloud_name: String,
    /// When the VPC was created (ISO-8601, UTC, `Z`).
    #[schema(format = DateTime)]
    pub create_time: String,
    /// The VPC's private IPv4 network.
    #[schema(example = "10.1.0.0/24")]
    pub network_cidr: String,
    /// The VPC's connections, except those `DELETED` or `DELETED_BY_PEER`. Always empty in the
    /// answers to create and delete.
    pub peering_connections: Vec<PeeringConnectionOut>,
    /// Kept for compatibility; always null.
    #[schema(required, value_type = Option<Object>)]
    pub pending_build_only_peering_connections: Option<serde_json::Value>,
    /// The project VPC's id.
    pub project_vpc_id: Uuid,
    pub state: VpcState,
    /// When the VPC last changed (ISO-8601, UTC, `Z`).
    #[schema(format = DateTime)]
    pub update_time: String,
}

/// The project's VPCs.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VpcListOut {
    pub vpcs: Vec<VpcOut>,
}

/// CIDRs to add to named connections and to delete from every connection of a VPC.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPeerNetworkCidrsIn {
    /// CIDRs to add, each to the live connection it names.
    #[serde(default)]
    pub add: Vec<UserPeerNetworkCidrAdd>,
    /// CIDRs to remove from every connection of the VPC, each an IP network in CIDR notation.
    #[serde(default)]
    pub delete: Vec<String>,
}

/// One CIDR to add, and the connection it goes to.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPeerNetworkCidrAdd {
    /// The connection's subscription id.
    pub peer_cloud_account: String,
    /// The connection's VNet name.
    pub peer_vpc: String,
    /// The connection's resource group; omitted or null matches any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_resource_group: Option<String>,
    /// An IP network in CIDR notation, written as its network address (no host bits).
    pub cidr: String,
}

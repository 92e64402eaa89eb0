//! The domain's records as the API contract's bodies.

use crate::domain::{ConnectionEvent, PeeringConnection, StateInfo, Vpc};
use chrono::{DateTime, Utc};
use control_plane_api as wire;

pub fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `VpcOut`, as listed.
pub fn vpc_summary(v: &Vpc) -> wire::VpcOut {
    wire::VpcOut {
        cloud_name: v.cloud_name.clone(),
        create_time: time(v.created),
        network_cidr: v.network_cidr.to_string(),
        project_vpc_id: v.id,
        state: v.state,
        update_time: time(v.updated),
    }
}

/// `VpcGetOut`, with its connections.
pub fn vpc(v: &Vpc, connections: &[PeeringConnection]) -> wire::VpcGetOut {
    wire::VpcGetOut {
        cloud_name: v.cloud_name.clone(),
        create_time: time(v.created),
        network_cidr: v.network_cidr.to_string(),
        peering_connections: connections.iter().map(connection).collect(),
        pending_build_only_peering_connections: None,
        project_vpc_id: v.id,
        state: v.state,
        update_time: time(v.updated),
    }
}

/// `PeeringConnectionOut`. `state_info` is always present (null or an object with `message`), and
/// `peer_region` is always null on Azure: `avn` needs both keys.
pub fn connection(c: &PeeringConnection) -> wire::PeeringConnectionOut {
    wire::PeeringConnectionOut {
        create_time: time(c.created),
        peer_azure_app_id: c.peer_azure_app_id.clone(),
        peer_azure_tenant_id: c.peer_azure_tenant_id.clone(),
        peer_cloud_account: c.peer_cloud_account.clone(),
        peer_region: None,
        peer_resource_group: c.peer_resource_group.clone(),
        peer_vpc: c.peer_vpc.clone(),
        peering_connection_id: c.id,
        state: c.state,
        state_info: c.state_info.as_ref().map(state_info),
        update_time: time(c.updated),
        user_peer_network_cidrs: c.user_peer_network_cidrs.iter().map(|n| n.to_string()).collect(),
        vpc_peering_connection_type: wire::AZURE_VNET_PEERING.to_string(),
    }
}

fn state_info(i: &StateInfo) -> wire::StateInfo {
    let mut extra = i.extra.clone();
    wire::StateInfo {
        message: i.message.clone(),
        kind: i.kind.clone(),
        to_tenant_id: extra.remove("to-tenant-id"),
        to_network_id: extra.remove("to-network-id"),
        extra,
    }
}

pub fn event(e: &ConnectionEvent) -> wire::PeeringConnectionEvent {
    wire::PeeringConnectionEvent { from_state: e.from, to_state: e.to, reason: e.reason.clone(), time: time(e.at) }
}

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
    // Only live connections with peer CIDRs can overlap: found once, so a VPC of 500 connections
    // (most without peer CIDRs) is not compared pairwise on every GET.
    let with_peer_cidrs: Vec<&PeeringConnection> =
        connections.iter().filter(|c| c.state.is_live() && !c.user_peer_network_cidrs.is_empty()).collect();
    wire::VpcGetOut {
        cloud_name: v.cloud_name.clone(),
        create_time: time(v.created),
        network_cidr: v.network_cidr.to_string(),
        peering_connections: connections
            .iter()
            .map(|c| {
                let mut out = connection(c);
                let warnings = overlap_warnings(c, &with_peer_cidrs);
                if !warnings.is_empty() {
                    let info = out.state_info.get_or_insert_with(|| wire::StateInfo {
                        message: warnings[0].message.clone(),
                        kind: "warning".into(),
                        to_tenant_id: None,
                        to_network_id: None,
                        warnings: vec![],
                        extra: Default::default(),
                    });
                    info.warnings = warnings;
                }
                out
            })
            .collect(),
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

/// `overlapping-peer-vpc-ip-ranges` warnings: the connection's user peer network CIDRs that
/// overlap those of another live connection of the same VPC.
/// `candidates` are the VPC's live connections that have peer CIDRs.
fn overlap_warnings(c: &PeeringConnection, candidates: &[&PeeringConnection]) -> Vec<wire::StateInfoWarning> {
    if !c.state.is_live() {
        return vec![];
    }
    let mut out = Vec::new();
    for other in candidates.iter().filter(|o| o.id != c.id) {
        for mine in &c.user_peer_network_cidrs {
            for theirs in &other.user_peer_network_cidrs {
                if mine.contains(&theirs.network()) || theirs.contains(&mine.network()) {
                    out.push(wire::StateInfoWarning {
                        message: format!(
                            "Peer network {mine} overlaps {theirs} of peering connection {} ({}/{}); traffic to the overlap may take either peering",
                            other.id, other.peer_resource_group, other.peer_vpc
                        ),
                        kind: "overlapping-peer-vpc-ip-ranges".into(),
                    });
                }
            }
        }
    }
    out
}

fn state_info(i: &StateInfo) -> wire::StateInfo {
    let mut extra = i.extra.clone();
    wire::StateInfo {
        message: i.message.clone(),
        kind: i.kind.clone(),
        to_tenant_id: extra.remove("to-tenant-id"),
        to_network_id: extra.remove("to-network-id"),
        warnings: vec![],
        extra,
    }
}

pub fn event(e: &ConnectionEvent) -> wire::PeeringConnectionEvent {
    wire::PeeringConnectionEvent { from_state: e.from, to_state: e.to, reason: e.reason.clone(), time: time(e.at) }
}

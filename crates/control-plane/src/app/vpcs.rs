//! Project VPCs: creating one (cloud and CIDR rules), deleting one (no live connections), and the
//! user peer network CIDRs of its connections.

use crate::domain::{validate, PeeringConnection, Vpc};
use crate::error::{ControlPlaneError, Result};
use crate::store::Store;
use chrono::Utc;
use control_plane_api::{UserPeerNetworkCidrsIn, VpcCreateIn};

pub async fn create(store: &Store, project: &str, req: VpcCreateIn) -> Result<Vpc> {
    let cloud = validate::cloud_name(&req.cloud_name)?;
    let cidr = validate::network_cidr(&req.network_cidr)?;
    if !req.peering_connections.is_empty() {
        return Err(ControlPlaneError::Invalid {
            field: "peering_connections".into(),
            message:
                "create peering connections with POST .../vpcs/{project_vpc_id}/peering-connections once the VPC exists"
                    .into(),
        });
    }
    store.create_vpc(project, &cloud, cidr, Utc::now()).await
}

/// A VPC with live connections cannot go: they would lose their provider side. The check and the
/// move are one transaction in the store, so no connection slips in between.
pub async fn delete(store: &Store, project: &str, raw_id: &str) -> Result<Vpc> {
    let vpc = store.get_vpc(project, super::vpc_id(raw_id)?).await?;
    store.begin_vpc_delete(vpc.id, Utc::now()).await
}

/// Adds and removes user peer network CIDRs; everything is validated before anything is written,
/// and the writes are one transaction. An added CIDR must be a network address, outside the VPC's
/// own network, and not already on that connection (unless the same request deletes it). Deletes
/// apply before adds.
pub async fn update_user_cidrs(
    store: &Store,
    project: &str,
    raw_id: &str,
    req: UserPeerNetworkCidrsIn,
) -> Result<(Vpc, Vec<PeeringConnection>)> {
    let vpc = store.get_vpc(project, super::vpc_id(raw_id)?).await?;
    let removed = req.delete.iter().map(|c| validate::cidr("delete", c)).collect::<Result<Vec<_>>>()?;
    let mut connections = store.connections_of(vpc.id).await?;
    let mut additions: Vec<(usize, ipnet::IpNet)> = Vec::new();
    for a in &req.add {
        let cidr = validate::cidr("add.cidr", &a.cidr)?;
        if cidr.contains(&vpc.network_cidr.network()) || vpc.network_cidr.contains(&cidr.network()) {
            return Err(ControlPlaneError::Invalid {
                field: "add.cidr".into(),
                message: format!(
                    "User peer network CIDR {cidr} overlaps the project VPC's own network {}; choose a peer network outside it",
                    vpc.network_cidr
                ),
            });
        }
        let account = validate::account_in_path(&a.peer_cloud_account);
        let idx = connections
            .iter()
            .position(|c| c.state.is_live() && c.matches(&account, a.peer_resource_group.as_deref(), &a.peer_vpc))
            .ok_or(ControlPlaneError::ConnectionNotFound)?;
        let duplicate = connections[idx].user_peer_network_cidrs.contains(&cidr) || additions.contains(&(idx, cidr));
        if duplicate && !removed.contains(&cidr) {
            return Err(ControlPlaneError::Invalid {
                field: "add.cidr".into(),
                message: format!(
                    "User peer network CIDR {cidr} is already set on the peering connection to {}/{}",
                    connections[idx].peer_resource_group, connections[idx].peer_vpc
                ),
            });
        }
        additions.push((idx, cidr));
    }
    for c in connections.iter_mut() {
        c.user_peer_network_cidrs.retain(|n| !removed.contains(n));
    }
    for (idx, cidr) in additions {
        if !connections[idx].user_peer_network_cidrs.contains(&cidr) {
            connections[idx].user_peer_network_cidrs.push(cidr);
        }
    }
    let updates: Vec<_> = connections.iter_mut().map(|c| (c.id, c.user_peer_network_cidrs.clone())).collect();
    store.set_user_cidrs(&updates, Utc::now()).await?;
    let connections = store.connections_of(vpc.id).await?;
    Ok((vpc, connections))
}

//! Azure peering connections: creating one (request rules, the VPC must take connections) and
//! deleting one by what its path names.

use crate::domain::{validate, ConnectionState, PeeringConnection, VpcState};
use crate::error::{ControlPlaneError, Result};
use crate::store::Store;
use chrono::Utc;
use control_plane_api::VpcPeeringConnectionCreateIn;

pub async fn create(
    store: &Store,
    project: &str,
    raw_vpc: &str,
    req: VpcPeeringConnectionCreateIn,
) -> Result<PeeringConnection> {
    let vpc = store.get_vpc(project, super::vpc_id(raw_vpc)?).await?;
    if req.peer_region.as_deref().is_some_and(|r| !r.is_empty()) {
        return Err(ControlPlaneError::Invalid {
            field: "peer_region".into(),
            message: "peer_region must be omitted for an Azure VNet peering: the peer VNet's region comes from Azure"
                .into(),
        });
    }
    let new = validate::new_connection(
        &req.peer_cloud_account,
        req.peer_resource_group.as_deref(),
        &req.peer_vpc,
        req.peer_azure_app_id.as_deref(),
        req.peer_azure_tenant_id.as_deref(),
        &req.user_peer_network_cidrs,
    )?;
    if vpc.state == VpcState::Deleting {
        return Err(ControlPlaneError::VpcNotActive { id: vpc.id.to_string(), state: vpc.state.as_str().into() });
    }
    // The store checks the VPC's state again inside the insert's transaction.
    store.create_connection(&vpc, &new, Utc::now()).await
}

/// What a DELETE path names: subscription, optional group, VNet, optional region.
pub struct Target {
    pub account: String,
    pub rg: Option<String>,
    pub vnet: String,
    pub region: Option<String>,
}

/// Starts deleting the live connection the path names (DELETING at once; the reconciler removes
/// the provider side). A connection already DELETING is returned as it is.
pub async fn delete(store: &Store, project: &str, raw_vpc: &str, t: Target) -> Result<PeeringConnection> {
    let vpc = store.get_vpc(project, super::vpc_id(raw_vpc)?).await?;
    let account = validate::account_in_path(&t.account);
    // The reconciler may move the connection between our read and our write (the write checks the
    // state it read): read again and retry rather than answer the client a 409 it did not cause.
    let mut attempts = 0;
    loop {
        attempts += 1;
        // Azure connections have no region: a region in the path matches none of them.
        let found = store
            .connections_of(vpc.id)
            .await?
            .into_iter()
            .filter(|_| t.region.is_none())
            .find(|c| c.state.is_live() && c.matches(&account, t.rg.as_deref(), &t.vnet))
            .ok_or(ControlPlaneError::ConnectionNotFound)?;
        if found.state == ConnectionState::Deleting {
            return Ok(found);
        }
        let now = Utc::now();
        match store
            .transition(found.id, found.state, ConnectionState::Deleting, None, "deletion requested by the API", now)
            .await
        {
            Err(ControlPlaneError::StaleState { .. }) if attempts < 5 => continue,
            done => return done,
        }
    }
}

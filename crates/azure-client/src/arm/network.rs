//! Virtual networks and their peerings.

use super::network_types::{PeeringWire, VnetWire};
use super::{ArmClient, Peering, Tenants, VirtualNetwork};
use crate::error::Result;
use serde_json::json;

/// The api-version `az` 2.91 uses for peerings.
pub const NETWORK_API_VERSION: &str = "2023-11-01";

fn peering_path(vnet_id: &str, name: &str) -> String {
    format!("{}/virtualNetworkPeerings/{name}", vnet_id.trim_end_matches('/'))
}

impl ArmClient {
    /// The VNet, or `None` when it (or its resource group) does not exist.
    pub async fn get_virtual_network(&self, tenant: &str, vnet_id: &str) -> Result<Option<VirtualNetwork>> {
        let w: Option<VnetWire> = self.get_optional(&Tenants::new(tenant), vnet_id, NETWORK_API_VERSION).await?;
        Ok(w.map(VirtualNetwork::from))
    }

    /// Every VNet of a subscription the caller may read, each with its peerings as ARM embeds them
    /// (`properties.virtualNetworkPeerings`): one paged read observes all of them.
    pub async fn list_virtual_networks(&self, tenant: &str, subscription_id: &str) -> Result<Vec<VirtualNetwork>> {
        let path = format!("/subscriptions/{subscription_id}/providers/Microsoft.Network/virtualNetworks");
        let ws: Vec<VnetWire> = self.list(&Tenants::new(tenant), &path, NETWORK_API_VERSION, &[]).await?;
        Ok(ws.into_iter().map(VirtualNetwork::from).collect())
    }

    /// Every peering of a VNet in one request however many it has: the VNet itself, whose
    /// `properties.virtualNetworkPeerings` ARM embeds unpaged (a list of the peerings pages, one
    /// request per page). The batched observation of all a project VPC's connections.
    pub async fn read_peerings(&self, tenant: &str, vnet_id: &str) -> Result<Vec<Peering>> {
        let w: VnetWire = self.get(&Tenants::new(tenant), vnet_id, NETWORK_API_VERSION, &[]).await?;
        Ok(VirtualNetwork::from(w).peerings)
    }

    /// Every peering of a VNet, as a paged list.
    pub async fn list_peerings(&self, tenant: &str, vnet_id: &str) -> Result<Vec<Peering>> {
        let path = format!("{}/virtualNetworkPeerings", vnet_id.trim_end_matches('/'));
        let ws: Vec<PeeringWire> = self.list(&Tenants::new(tenant), &path, NETWORK_API_VERSION, &[]).await?;
        Ok(ws.into_iter().map(Peering::from).collect())
    }

    /// The peering, or `None` when it, its VNet or their resource group does not exist.
    pub async fn get_peering(&self, tenant: &str, vnet_id: &str, name: &str) -> Result<Option<Peering>> {
        let w: Option<PeeringWire> =
            self.get_optional(&Tenants::new(tenant), &peering_path(vnet_id, name), NETWORK_API_VERSION).await?;
        Ok(w.map(Peering::from))
    }

    /// Creates or updates the peering `vnet_id` → `remote_vnet_id` (VNet access only: no forwarded
    /// traffic, no gateways) and waits for it to be provisioned. A remote VNet in another tenant
    /// needs that tenant in `tenants`' auxiliary list.
    pub async fn put_peering(
        &self,
        tenants: &Tenants,
        vnet_id: &str,
        name: &str,
        remote_vnet_id: &str,
    ) -> Result<Peering> {
        let body = json!({"properties": {
            "remoteVirtualNetwork": {"id": remote_vnet_id},
            "allowVirtualNetworkAccess": true,
            "allowForwardedTraffic": false,
            "allowGatewayTransit": false,
            "useRemoteGateways": false,
        }});
        let w: PeeringWire = self.put(tenants, &peering_path(vnet_id, name), NETWORK_API_VERSION, &body).await?;
        Ok(Peering::from(w))
    }

    /// Deletes the peering; `Ok(false)` when it was already gone.
    pub async fn delete_peering(&self, tenant: &str, vnet_id: &str, name: &str) -> Result<bool> {
        self.delete(&Tenants::new(tenant), &peering_path(vnet_id, name), NETWORK_API_VERSION).await
    }
}

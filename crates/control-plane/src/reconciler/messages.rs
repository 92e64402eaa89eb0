//! What `state_info` tells the customer: each message names the guide step (and the command) that
//! fixes it, so nobody has to guess from a bare state.

use crate::domain::{PeeringConnection, StateInfo};

pub fn pending_peer(c: &PeeringConnection, provider_tenant: &str, provider_vnet_id: &str) -> StateInfo {
    StateInfo::new(
        "azure-vnet-peering-pending-peer",
        format!(
            "Create your side of the peering (guide step 13): log your app {app} in to tenants {customer} and {provider} \
             (az login --service-principal), then run az network vnet peering create --name <name> --vnet-name {vnet} \
             --resource-group {rg} --subscription {sub} --remote-vnet {provider_vnet_id} --allow-vnet-access",
            app = c.peer_azure_app_id,
            customer = c.peer_azure_tenant_id,
            provider = provider_tenant,
            vnet = c.peer_vpc,
            rg = c.peer_resource_group,
            sub = c.peer_cloud_account,
        ),
    )
    .with("to-tenant-id", provider_tenant)
    .with("to-network-id", provider_vnet_id)
}

pub fn peer_removed(c: &PeeringConnection, provider_tenant: &str, provider_vnet_id: &str) -> StateInfo {
    let mut info = pending_peer(c, provider_tenant, provider_vnet_id);
    info.kind = "azure-vnet-peering-peer-removed".into();
    info.message = format!("Your side of the peering was removed, so traffic no longer flows. {}", info.message);
    info
}

/// The kind of the note that the customer's side is `Disconnected`.
pub const PEER_DISCONNECTED: &str = "azure-vnet-peering-peer-disconnected";

pub fn peer_disconnected(c: &PeeringConnection, provider_tenant: &str, provider_vnet_id: &str) -> StateInfo {
    let mut info = pending_peer(c, provider_tenant, provider_vnet_id);
    info.kind = PEER_DISCONNECTED.into();
    info.message = format!(
        "Your side of the peering is Disconnected: delete it (az network vnet peering delete) and create it again. {}",
        info.message
    );
    info
}

/// ACTIVE keeps `to-tenant-id` and `to-network-id`: the customer's own automation (Terraform) reads
/// them on every plan to manage its side, for as long as the provider side exists.
pub fn active(provider_tenant: &str, provider_vnet_id: &str) -> StateInfo {
    StateInfo::new("azure-vnet-peering-active", "Peering connection active")
        .with("to-tenant-id", provider_tenant)
        .with("to-network-id", provider_vnet_id)
}

pub fn vnet_missing(c: &PeeringConnection) -> StateInfo {
    StateInfo::new(
        "azure-vnet-peering-vnet-not-found",
        format!(
            "Virtual network {} was not found. Check peer_cloud_account, peer_resource_group and peer_vpc against \
             az network vnet list (guide step 5), then delete this connection and create it again.",
            c.peer_vnet_id()
        ),
    )
}

pub fn subscription_not_in_tenant(c: &PeeringConnection) -> StateInfo {
    StateInfo::new(
        "azure-vnet-peering-subscription-not-found",
        format!(
            "Subscription {} was not found in tenant {}. Check peer_cloud_account and peer_azure_tenant_id \
             (az account list, guide step 1), then delete this connection and create it again.",
            c.peer_cloud_account, c.peer_azure_tenant_id
        ),
    )
}

pub fn tenant_not_found(c: &PeeringConnection) -> StateInfo {
    StateInfo::new(
        "azure-vnet-peering-tenant-not-found",
        format!(
            "Tenant {} does not exist. Check peer_azure_tenant_id, then delete this connection and create it again.",
            c.peer_azure_tenant_id
        ),
    )
}

/// The customer VNet overlaps a third VNet already peered with the project VPC (or the project VPC
/// overlaps one already peered with the customer's VNet): the project VPC's CIDR is not the problem.
pub fn overlap_with_peered(c: &PeeringConnection, detail: &str) -> StateInfo {
    StateInfo::new(
        "azure-vnet-peering-overlapping-address-space",
        format!(
            "The address space of {} overlaps a virtual network already peered with the other side, so they cannot \
             be peered ({detail}). Renumber your VNet (az network vnet update --address-prefixes) or remove the \
             clashing peering, then create the connection again.",
            c.peer_vnet_id()
        ),
    )
}

pub fn overlap(c: &PeeringConnection, detail: &str) -> StateInfo {
    StateInfo::new(
        "azure-vnet-peering-overlapping-address-space",
        format!(
            "The address space of {} overlaps the project VPC's network, so they cannot be peered ({detail}). \
             Use a project VPC whose network_cidr does not overlap your VNet, then create the connection again.",
            c.peer_vnet_id()
        ),
    )
}

pub fn app_not_multi_tenant(c: &PeeringConnection) -> StateInfo {
    StateInfo::new(
        "azure-vnet-peering-app-not-multi-tenant",
        format!(
            "Application {} does not exist or is not multi-tenant, so it cannot be given access to the provider's VNet. \
             Register it with az ad app create --sign-in-audience AzureADMultipleOrgs (guide step 2), then delete this \
             connection and create it again.",
            c.peer_azure_app_id
        ),
    )
}

pub fn provider_sp_missing(c: &PeeringConnection, provider_app_id: &str) -> StateInfo {
    StateInfo::new(
        "azure-vnet-peering-provider-app-not-in-tenant",
        format!(
            "The provider's application {provider_app_id} has no service principal in your tenant {}. An Application \
             Administrator must run az ad sp create --id {provider_app_id} (guide step 7), then delete this connection and \
             create it again.",
            c.peer_azure_tenant_id
        ),
    )
}

pub fn peer_permission_missing(c: &PeeringConnection, provider_app_id: &str) -> StateInfo {
    StateInfo::new(
        "azure-vnet-peering-missing-peer-permission",
        format!(
            "The provider's service principal (application {provider_app_id}) may not peer with {}: assign it a role with \
             Microsoft.Network/virtualNetworks/peer/action on that VNet (az role assignment create, guide steps 8 and 9), \
             then delete this connection and create it again.",
            c.peer_vnet_id()
        ),
    )
}

pub fn vnet_deleted(c: &PeeringConnection) -> StateInfo {
    StateInfo::new(
        "azure-vnet-peering-deleted-by-peer",
        format!(
            "Virtual network {} no longer exists; the provider side was removed. Delete this connection.",
            c.peer_vnet_id()
        ),
    )
}

/// A transient failure: the message says what is retried, and every key the state had before
/// (`to-tenant-id`, `to-network-id`) stays, since the customer still needs them.
/// The customer's VNet went away, or stopped letting the provider peer with it, after their side
/// was removed: either way the customer ended the peering.
pub fn peer_gone(c: &PeeringConnection) -> StateInfo {
    StateInfo::new(
        "azure-vnet-peering-deleted-by-peer",
        format!(
            "Your side of the peering was removed and virtual network {} no longer lets the provider peer with it (it \
             was deleted, or the peer role on it was removed); the provider side was removed. Delete this connection, \
             and create a new one once the VNet exists and grants the role again (guide steps 8-9).",
            c.peer_vnet_id()
        ),
    )
}

/// Azure refuses our side (`RemotePeeringIsDisconnected`) while the customer's VNet still has a
/// peering to the provider VNet left `Disconnected` by an earlier connection.
pub fn stale_peer_side(c: &PeeringConnection) -> String {
    format!(
        "your VNet {vnet} still has a peering to the project VPC's VNet in state Disconnected (left by an earlier \
         connection), and Azure will not peer again until it is gone: find it with az network vnet peering list \
         --resource-group {rg} --vnet-name {name} --subscription {sub}, delete it with az network vnet peering delete \
         --resource-group {rg} --vnet-name {name} --subscription {sub} --name <its name>, then create your side again \
         (guide step 15) once this connection is PENDING_PEER",
        vnet = c.peer_vnet_id(),
        rg = c.peer_resource_group,
        name = c.peer_vpc,
        sub = c.peer_cloud_account,
    )
}

pub fn retrying(what: &str, error: &str, before: Option<&StateInfo>) -> StateInfo {
    let mut info =
        StateInfo::new("azure-vnet-peering-retrying", format!("{what} failed for now and will be retried: {error}"));
    if let Some(b) = before {
        info.extra = b.extra.clone();
    }
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retry_keeps_the_keys_the_customer_needs() {
        let before = StateInfo::new("azure-vnet-peering-pending-peer", "create your side")
            .with("to-tenant-id", "t")
            .with("to-network-id", "n");
        let info = retrying("reading the provider VNet's peerings", "throttled", Some(&before));
        assert_eq!(info.kind, "azure-vnet-peering-retrying");
        assert!(info.message.contains("will be retried: throttled"));
        assert_eq!((info.extra["to-tenant-id"].as_str(), info.extra["to-network-id"].as_str()), ("t", "n"));
        assert!(retrying("x", "y", None).extra.is_empty());
        let active = active("t", "n");
        assert_eq!((active.extra["to-tenant-id"].as_str(), active.extra["to-network-id"].as_str()), ("t", "n"));
    }
}

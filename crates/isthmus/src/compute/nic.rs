//! The service's NIC, made through ARM in the provider's subscription as the provider would make
//! one for a VM, in the first subnet of the project VPC's provider VNet.

use azure_client::ArmClient;
use control_plane::compute::Placement;
use control_plane::reconciler::ProviderIdentity;

/// The subnet made in a provider VNet that has none (the reconciler creates VNets bare).
const SERVICES_SUBNET: &str = "services";
/// Azure's limit on a NIC's name.
const MAX_NAME: usize = 80;

/// `svc-<service name>-<first 8 hex of the service id>`: stable across restarts, and two services
/// of the same name (one deleted, one new) never share a NIC.
pub fn name(p: &Placement) -> String {
    let suffix = &p.service_id.simple().to_string()[..8];
    let room = MAX_NAME - "svc--".len() - suffix.len();
    let service: String = p.service_name.chars().take(room).collect();
    format!("svc-{service}-{suffix}")
}

pub fn id(provider: &ProviderIdentity, p: &Placement) -> String {
    format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/networkInterfaces/{}",
        provider.subscription_id,
        provider.resource_group,
        name(p)
    )
}

/// The NIC's private address, creating the NIC (and the VNet's subnet) when missing.
pub async fn ensure(arm: &ArmClient, provider: &ProviderIdentity, p: &Placement) -> Result<String, String> {
    let tenant = provider.tenant_id.as_str();
    let nic_id = id(provider, p);
    let vnet_prefix = format!("{}/subnets/", p.provider_vnet_id.to_ascii_lowercase());
    let existing =
        arm.get_network_interface(tenant, &nic_id).await.map_err(|e| format!("reading NIC {nic_id}: {e}"))?;
    if let Some(ip) = existing
        .filter(|n| n.subnet_id.to_ascii_lowercase().starts_with(&vnet_prefix))
        .and_then(|n| n.private_ip_address)
    {
        return Ok(ip);
    }
    let subnet = subnet(arm, tenant, &p.provider_vnet_id).await?;
    let nic = arm
        .put_network_interface(tenant, &nic_id, &p.region, &subnet)
        .await
        .map_err(|e| format!("creating NIC {nic_id} in {subnet}: {e}"))?;
    nic.private_ip_address.ok_or_else(|| format!("ARM gave NIC {nic_id} no private address"))
}

/// The first subnet of the VNet, made (over its first address prefix) when it has none.
async fn subnet(arm: &ArmClient, tenant: &str, vnet_id: &str) -> Result<String, String> {
    let vnet = arm
        .get_virtual_network(tenant, vnet_id)
        .await
        .map_err(|e| format!("reading the provider VNet {vnet_id}: {e}"))?
        .ok_or_else(|| format!("the provider VNet {vnet_id} does not exist: wait until the project VPC is ACTIVE"))?;
    if let Some(first) = vnet.subnets.first() {
        return Ok(first.id.clone());
    }
    let prefix = vnet
        .address_prefixes
        .first()
        .ok_or_else(|| format!("the provider VNet {vnet_id} has no address space to make a subnet in"))?;
    let made = arm
        .put_subnet(tenant, vnet_id, SERVICES_SUBNET, prefix)
        .await
        .map_err(|e| format!("creating subnet {SERVICES_SUBNET} in {vnet_id}: {e}"))?;
    Ok(made.id)
}

/// Deletes the NIC; gone already is fine.
pub async fn remove(arm: &ArmClient, provider: &ProviderIdentity, p: &Placement) -> Result<(), String> {
    let nic_id = id(provider, p);
    arm.delete_network_interface(&provider.tenant_id, &nic_id)
        .await
        .map(|_| ())
        .map_err(|e| format!("deleting NIC {nic_id}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placement(name: &str) -> Placement {
        Placement {
            service_id: "0123abcd-0000-4000-8000-000000000001".parse().unwrap(),
            service_name: name.into(),
            project: "p".into(),
            provider_vnet_id: "/v".into(),
            region: "westeurope".into(),
            admin_password: "x".into(),
        }
    }

    #[test]
    fn the_nic_name_comes_from_the_service_and_fits_azure() {
        assert_eq!(name(&placement("pg-1")), "svc-pg-1-0123abcd");
        let long = name(&placement(&"a".repeat(200)));
        assert_eq!(long.len(), MAX_NAME);
        assert!(long.ends_with("-0123abcd"));
    }
}

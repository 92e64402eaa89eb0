//! Network interfaces, as a provider creates one for a VM it places in a VNet, and the subnet
//! it joins.

use super::network::NETWORK_API_VERSION;
use super::{ArmClient, Subnet, Tenants};
use crate::error::Result;
use serde::Deserialize;
use serde_json::json;

/// A NIC with its first IP configuration's subnet and private address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkInterface {
    pub id: String,
    pub name: String,
    pub subnet_id: String,
    pub private_ip_address: Option<String>,
}

#[derive(Deserialize)]
struct NicWire {
    id: String,
    name: String,
    properties: NicProperties,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NicProperties {
    #[serde(default)]
    ip_configurations: Vec<IpConfigurationWire>,
}

#[derive(Deserialize)]
struct IpConfigurationWire {
    properties: IpConfigurationProperties,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IpConfigurationProperties {
    subnet: Option<IdRef>,
    #[serde(rename = "privateIPAddress")]
    private_ip_address: Option<String>,
}

#[derive(Deserialize)]
struct IdRef {
    id: String,
}

impl From<NicWire> for NetworkInterface {
    fn from(w: NicWire) -> Self {
        let first = w.properties.ip_configurations.into_iter().next().map(|c| c.properties);
        let (subnet_id, private_ip_address) = match first {
            Some(p) => (p.subnet.map(|s| s.id).unwrap_or_default(), p.private_ip_address),
            None => (String::new(), None),
        };
        NetworkInterface { id: w.id, name: w.name, subnet_id, private_ip_address }
    }
}

impl ArmClient {
    /// The NIC, or `None` when it (or its resource group) does not exist.
    pub async fn get_network_interface(&self, tenant: &str, nic_id: &str) -> Result<Option<NetworkInterface>> {
        let w: Option<NicWire> = self.get_optional(&Tenants::new(tenant), nic_id, NETWORK_API_VERSION).await?;
        Ok(w.map(NetworkInterface::from))
    }

    /// Creates or updates the NIC with one dynamic IP configuration in `subnet_id`, as
    /// `az network nic create` does, and returns it with its private address.
    pub async fn put_network_interface(
        &self,
        tenant: &str,
        nic_id: &str,
        location: &str,
        subnet_id: &str,
    ) -> Result<NetworkInterface> {
        let body = json!({"location": location, "properties": {"ipConfigurations": [{"name": "ipconfig1",
            "properties": {"subnet": {"id": subnet_id}, "privateIPAllocationMethod": "Dynamic"}}]}});
        let w: NicWire = self.put(&Tenants::new(tenant), nic_id, NETWORK_API_VERSION, &body).await?;
        Ok(NetworkInterface::from(w))
    }

    /// Deletes the NIC; `Ok(false)` when it was already gone.
    pub async fn delete_network_interface(&self, tenant: &str, nic_id: &str) -> Result<bool> {
        self.delete(&Tenants::new(tenant), nic_id, NETWORK_API_VERSION).await
    }

    /// Creates or updates subnet `name` of the VNet with this address prefix.
    pub async fn put_subnet(&self, tenant: &str, vnet_id: &str, name: &str, address_prefix: &str) -> Result<Subnet> {
        let path = format!("{}/subnets/{name}", vnet_id.trim_end_matches('/'));
        let body = json!({"properties": {"addressPrefix": address_prefix}});
        self.put(&Tenants::new(tenant), &path, NETWORK_API_VERSION, &body).await
    }
}

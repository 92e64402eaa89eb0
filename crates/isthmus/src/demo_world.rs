//! The demo world of `isthmus up`: a customer tenant and a provider tenant, generated once with
//! fresh ids and secrets and kept in `DIR/world.json` (every id and credential, as DESIGN.md's
//! contract says), from which the emulator's world file is derived.

use anyhow::Context;
use azure_emulator::model::world::World;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::path::Path;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemoWorld {
    pub provider: Provider,
    pub customer: Customer,
    pub project: Project,
    /// The project VPC's demo service, once it runs (only where services can run: with the data
    /// plane and PostgreSQL installed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ServiceInfo {
    pub name: String,
    /// `postgres://avnadmin:…@<private ip>:5432/defaultdb?sslmode=require`
    pub uri: String,
}

/// The demo service's name.
pub const DEMO_SERVICE: &str = "tsdb";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Provider {
    pub tenant_id: String,
    pub app_id: String,
    pub app_secret: String,
    pub subscription_id: String,
    pub resource_group: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Customer {
    pub tenant_id: String,
    pub subscription_id: String,
    pub resource_group: String,
    pub vnet_name: String,
    pub vnet_id: String,
    /// A second VNet, for `isthmus azure connect`.
    pub second_vnet_name: String,
    pub second_vnet_id: String,
    pub admin: Login,
    /// A host in `customer-vnet` (with the data plane: `isthmus exec --nic customer-vm -- …`).
    #[serde(default = "customer_vm")]
    pub vm_nic: String,
}

fn customer_vm() -> String {
    "customer-vm".into()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Login {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Project {
    pub name: String,
    pub cloud_name: String,
    pub network_cidr: String,
    /// Filled in once the project VPC exists.
    #[serde(default)]
    pub vpc_id: String,
    /// The project member's access token (the control plane stores only its hash).
    #[serde(default)]
    pub token: String,
    pub user: String,
}

fn password() -> String {
    const A: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let body: String = (0..20).map(|_| A[rng.random_range(0..A.len())] as char).collect();
    format!("{body}-9x")
}

fn vnet_id(sub: &str, rg: &str, name: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{name}")
}

impl DemoWorld {
    pub fn generate() -> DemoWorld {
        let id = || Uuid::new_v4().to_string();
        let (csub, crg) = (id(), "customer-rg".to_string());
        DemoWorld {
            provider: Provider {
                tenant_id: id(),
                app_id: id(),
                app_secret: password(),
                subscription_id: id(),
                resource_group: "provider-rg".into(),
            },
            customer: Customer {
                tenant_id: id(),
                vnet_id: vnet_id(&csub, &crg, "customer-vnet"),
                second_vnet_id: vnet_id(&csub, &crg, "customer-vnet-2"),
                subscription_id: csub,
                resource_group: crg,
                vnet_name: "customer-vnet".into(),
                second_vnet_name: "customer-vnet-2".into(),
                admin: Login { username: "admin@customer.example".into(), password: password() },
                vm_nic: customer_vm(),
            },
            project: Project {
                name: "demo".into(),
                cloud_name: "azure-westeurope".into(),
                network_cidr: "10.2.0.0/24".into(),
                vpc_id: String::new(),
                token: String::new(),
                user: "ops@provider.example".into(),
            },
            service: None,
        }
    }

    /// The ARM id of the customer's host NIC.
    pub fn customer_vm_nic_id(&self) -> String {
        let c = &self.customer;
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/networkInterfaces/{}",
            c.subscription_id, c.resource_group, c.vm_nic
        )
    }

    pub fn load(path: &Path) -> anyhow::Result<Option<DemoWorld>> {
        if !path.exists() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Ok(Some(serde_json::from_str(&text).with_context(|| format!("{} is not a demo world", path.display()))?))
    }

    /// Writes the file only its owner can read: it holds credentials.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        azure_emulator::persistence::write_private_file(path, text.as_bytes()).map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// The emulator's view: both tenants, their users, apps, subscriptions, VNets and roles.
    pub fn emulator_world(&self) -> anyhow::Result<World> {
        let (p, c) = (&self.provider, &self.customer);
        let w = json!({"tenants": [
            {"id": c.tenant_id, "displayName": "Customer Corp", "defaultDomain": "customer.example",
             "users": [{"userPrincipalName": c.admin.username, "password": c.admin.password, "displayName": "Customer Admin",
                        "directoryRoles": ["Application Administrator"]}],
             "subscriptions": [{"id": c.subscription_id, "displayName": "customer-sub", "resourceGroups": [
                 {"name": c.resource_group, "location": "westeurope", "virtualNetworks": [
                     {"name": c.vnet_name, "addressPrefixes": ["10.1.0.0/16"], "subnets": [{"name": "default", "addressPrefix": "10.1.0.0/24"}]},
                     {"name": c.second_vnet_name, "addressPrefixes": ["10.3.0.0/16"], "subnets": [{"name": "default", "addressPrefix": "10.3.0.0/24"}]}
                 ],
                 "networkInterfaces": [{"name": c.vm_nic, "virtualNetwork": c.vnet_name, "subnet": "default"}]}]}],
             "roleAssignments": [{"principal": c.admin.username, "role": "Owner", "scope": format!("/subscriptions/{}", c.subscription_id)}]},
            {"id": p.tenant_id, "displayName": "Provider Inc", "defaultDomain": "provider.example",
             "applications": [{"appId": p.app_id, "displayName": "isthmus-provider", "signInAudience": "AzureADMultipleOrgs",
                               "secrets": [p.app_secret], "servicePrincipal": {"directoryRoles": ["Application Administrator"]}}],
             "subscriptions": [{"id": p.subscription_id, "displayName": "provider-sub",
                                "resourceGroups": [{"name": p.resource_group, "location": "westeurope"}]}],
             "roleAssignments": [{"principal": "isthmus-provider", "role": "Owner", "scope": format!("/subscriptions/{}", p.subscription_id)}]}
        ]});
        Ok(serde_json::from_value(w)?)
    }
}

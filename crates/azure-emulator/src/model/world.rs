//! The declarative world file: tenants with their users, apps, subscriptions, resource groups, VNets
//! and role assignments, applied in one step (all of it or none of it).

use crate::authorization::rbac::RoleAssignment;
use crate::authorization::scope::{NicRef, Scope, VnetRef};
use crate::error::{EmulatorError, Result};
use crate::identity::objects::*;
use crate::identity::secrets;
use crate::model::state::State;
use crate::network::interfaces::{IpConfigurationSpec, NetworkInterfaceSpec};
use crate::network::resources::{parse_prefix, IpAllocation, SubnetRef, Subscription};
use crate::network::rules::{SubnetSpec, VirtualNetworkSpec};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct World {
    #[serde(default)]
    pub tenants: Vec<WorldTenant>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorldTenant {
    pub id: Option<Uuid>,
    pub display_name: String,
    pub default_domain: String,
    #[serde(default = "yes")]
    pub users_can_register_applications: bool,
    #[serde(default)]
    pub users: Vec<WorldUser>,
    #[serde(default)]
    pub applications: Vec<WorldApplication>,
    /// Service principals of other tenants' multi-tenant apps, made in this tenant.
    #[serde(default)]
    pub service_principals: Vec<WorldServicePrincipal>,
    #[serde(default)]
    pub subscriptions: Vec<WorldSubscription>,
    #[serde(default)]
    pub role_assignments: Vec<WorldRoleAssignment>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorldUser {
    pub id: Option<Uuid>,
    pub user_principal_name: String,
    pub display_name: Option<String>,
    pub password: String,
    #[serde(default)]
    pub directory_roles: Vec<DirectoryRole>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorldApplication {
    pub id: Option<Uuid>,
    pub app_id: Option<Uuid>,
    pub display_name: String,
    #[serde(default = "multi")]
    pub sign_in_audience: SignInAudience,
    /// Client secrets in clear; only their hashes are stored.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// User principal names of the owners.
    #[serde(default)]
    pub owners: Vec<String>,
    /// The app's service principal in its home tenant.
    pub service_principal: Option<WorldSpOptions>,
}

fn multi() -> SignInAudience {
    SignInAudience::AzureADMultipleOrgs
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorldSpOptions {
    pub id: Option<Uuid>,
    #[serde(default)]
    pub directory_roles: Vec<DirectoryRole>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorldServicePrincipal {
    pub app_id: Uuid,
    pub id: Option<Uuid>,
    #[serde(default)]
    pub directory_roles: Vec<DirectoryRole>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorldSubscription {
    pub id: Option<Uuid>,
    pub display_name: String,
    #[serde(default)]
    pub resource_groups: Vec<WorldResourceGroup>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorldResourceGroup {
    pub name: String,
    #[serde(default = "westeurope")]
    pub location: String,
    #[serde(default)]
    pub virtual_networks: Vec<WorldVirtualNetwork>,
    /// Hosts: NICs in this group's VNets (with the data plane, each is a machine to `isthmus exec` on).
    #[serde(default)]
    pub network_interfaces: Vec<WorldNetworkInterface>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorldNetworkInterface {
    pub name: String,
    /// A VNet of the same resource group, by name.
    pub virtual_network: String,
    pub subnet: String,
    /// Static when given; otherwise the first free address, as Azure allocates it.
    pub private_ip_address: Option<std::net::Ipv4Addr>,
}

fn westeurope() -> String {
    "westeurope".into()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorldVirtualNetwork {
    pub name: String,
    pub location: Option<String>,
    pub address_prefixes: Vec<String>,
    #[serde(default)]
    pub subnets: Vec<WorldSubnet>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorldSubnet {
    pub name: String,
    pub address_prefix: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorldRoleAssignment {
    pub id: Option<Uuid>,
    /// A user principal name, an application display name or app id (meaning its service principal
    /// in this tenant), or an object id.
    pub principal: String,
    /// A built-in role name or a role definition GUID.
    pub role: String,
    pub scope: String,
}

fn invalid(msg: impl Into<String>) -> EmulatorError {
    EmulatorError::InvalidWorld(msg.into())
}

impl State {
    /// Applies a world on top of the current state; on error nothing is changed.
    pub fn apply_world(&mut self, world: &World, now: DateTime<Utc>) -> Result<()> {
        let mut next = self.clone();
        next.apply_world_in_place(world, now)?;
        *self = next;
        Ok(())
    }

    fn apply_world_in_place(&mut self, world: &World, now: DateTime<Utc>) -> Result<()> {
        let mut tenant_ids = Vec::new();
        for t in &world.tenants {
            let id = t.id.unwrap_or_else(Uuid::new_v4);
            if self.tenants.contains_key(&id) {
                return Err(invalid(format!("tenant {id} already exists")));
            }
            self.tenants.insert(
                id,
                Tenant {
                    id,
                    display_name: t.display_name.clone(),
                    default_domain: t.default_domain.clone(),
                    country_code: "NL".into(),
                    users_can_register_apps: t.users_can_register_applications,
                },
            );
            tenant_ids.push(id);
        }
        for (t, &tid) in world.tenants.iter().zip(&tenant_ids) {
            for u in &t.users {
                self.add_world_user(tid, u, now)?;
            }
            for a in &t.applications {
                self.add_world_application(tid, a, now)?;
            }
        }
        for (t, &tid) in world.tenants.iter().zip(&tenant_ids) {
            for sp in &t.service_principals {
                let app = self
                    .application_by_app_id(sp.app_id)
                    .ok_or_else(|| invalid(format!("servicePrincipals: no application with appId {}", sp.app_id)))?
                    .clone();
                self.insert_sp(tid, &app, sp.id, sp.directory_roles.clone(), now)?;
            }
            for s in &t.subscriptions {
                self.add_world_subscription(tid, s)?;
            }
        }
        for (t, &tid) in world.tenants.iter().zip(&tenant_ids) {
            for ra in &t.role_assignments {
                self.add_world_assignment(tid, ra, now)?;
            }
        }
        Ok(())
    }

    fn add_world_user(&mut self, tenant: Uuid, u: &WorldUser, now: DateTime<Utc>) -> Result<()> {
        if self.user_by_upn(&u.user_principal_name).is_some() {
            return Err(invalid(format!("user {} already exists", u.user_principal_name)));
        }
        let id = u.id.unwrap_or_else(Uuid::new_v4);
        self.users.insert(
            id,
            User {
                id,
                tenant_id: tenant,
                user_principal_name: u.user_principal_name.clone(),
                display_name: u.display_name.clone().unwrap_or_else(|| u.user_principal_name.clone()),
                password_hash: secrets::hash_password(&u.password),
                directory_roles: u.directory_roles.clone(),
                created: now,
            },
        );
        Ok(())
    }

    fn add_world_application(&mut self, tenant: Uuid, a: &WorldApplication, now: DateTime<Utc>) -> Result<()> {
        let app_id = a.app_id.unwrap_or_else(Uuid::new_v4);
        if self.application_by_app_id(app_id).is_some() {
            return Err(invalid(format!("application with appId {app_id} already exists")));
        }
        let owners = a
            .owners
            .iter()
            .map(|upn| self.user_by_upn(upn).map(|u| u.id).ok_or_else(|| invalid(format!("owner {upn} is not a user"))))
            .collect::<Result<Vec<_>>>()?;
        let app = Application {
            id: a.id.unwrap_or_else(Uuid::new_v4),
            app_id,
            tenant_id: tenant,
            display_name: a.display_name.clone(),
            sign_in_audience: a.sign_in_audience,
            password_credentials: a
                .secrets
                .iter()
                .map(|s| PasswordCredential {
                    key_id: Uuid::new_v4(),
                    display_name: Some("world".into()),
                    hint: s.chars().take(3).collect(),
                    secret_hash: secrets::hash_secret(s),
                    start: now,
                    end: now + chrono::Duration::days(730),
                })
                .collect(),
            identifier_uris: vec![],
            owners,
            created: now,
            properties: Default::default(),
        };
        self.applications.insert(app.id, app.clone());
        if let Some(sp) = &a.service_principal {
            self.insert_sp(tenant, &app, sp.id, sp.directory_roles.clone(), now)?;
        }
        Ok(())
    }

    fn insert_sp(
        &mut self,
        tenant: Uuid,
        app: &Application,
        id: Option<Uuid>,
        roles: Vec<DirectoryRole>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if self.service_principal_for(tenant, app.app_id).is_some() {
            return Err(invalid(format!("service principal of {} already exists in tenant {tenant}", app.app_id)));
        }
        let id = id.unwrap_or_else(Uuid::new_v4);
        self.service_principals.insert(
            id,
            ServicePrincipal {
                id,
                app_id: app.app_id,
                tenant_id: tenant,
                app_owner_tenant_id: app.tenant_id,
                display_name: app.display_name.clone(),
                account_enabled: true,
                directory_roles: roles,
                created: now,
                properties: Default::default(),
            },
        );
        Ok(())
    }

    fn add_world_subscription(&mut self, tenant: Uuid, s: &WorldSubscription) -> Result<()> {
        let id = s.id.unwrap_or_else(Uuid::new_v4);
        if self.subscriptions.contains_key(&id) {
            return Err(invalid(format!("subscription {id} already exists")));
        }
        self.subscriptions.insert(id, Subscription { id, tenant_id: tenant, display_name: s.display_name.clone() });
        for rg in &s.resource_groups {
            self.insert_resource_group(id, &rg.name, &rg.location, BTreeMap::new())?;
            for v in &rg.virtual_networks {
                let parse = |p: &String| parse_prefix(p).ok_or_else(|| EmulatorError::InvalidAddressPrefix(p.clone()));
                let spec = VirtualNetworkSpec {
                    location: v.location.clone().unwrap_or_else(|| rg.location.clone()),
                    address_prefixes: v.address_prefixes.iter().map(parse).collect::<Result<_>>()?,
                    subnets: v
                        .subnets
                        .iter()
                        .map(|s| Ok(SubnetSpec::new(&s.name, parse(&s.address_prefix)?)))
                        .collect::<Result<_>>()?,
                    tags: BTreeMap::new(),
                    unmodeled: Default::default(),
                };
                let vref = VnetRef { subscription: id, resource_group: rg.name.clone(), name: v.name.clone() };
                self.insert_virtual_network(&vref, spec)?;
            }
            for n in &rg.network_interfaces {
                let vnet =
                    VnetRef { subscription: id, resource_group: rg.name.clone(), name: n.virtual_network.clone() };
                let mut ipc = IpConfigurationSpec::dynamic("ipconfig1", SubnetRef { vnet, name: n.subnet.clone() });
                if let Some(address) = n.private_ip_address {
                    (ipc.allocation, ipc.private_ip_address) = (IpAllocation::Static, Some(address));
                }
                let spec = NetworkInterfaceSpec {
                    location: rg.location.clone(),
                    ip_configurations: vec![ipc],
                    tags: BTreeMap::new(),
                    unmodeled: Default::default(),
                };
                let nic = NicRef { subscription: id, resource_group: rg.name.clone(), name: n.name.clone() };
                self.insert_network_interface(&nic, spec)?;
            }
        }
        Ok(())
    }

    fn add_world_assignment(&mut self, tenant: Uuid, ra: &WorldRoleAssignment, now: DateTime<Utc>) -> Result<()> {
        let principal = self.resolve_world_principal(tenant, &ra.principal)?;
        let role = crate::authorization::builtin_roles::builtin_roles()
            .iter()
            .find(|r| r.role_name.eq_ignore_ascii_case(&ra.role))
            .map(|r| r.id)
            .or_else(|| Uuid::parse_str(&ra.role).ok().filter(|id| self.role_definition(*id).is_some()))
            .ok_or_else(|| invalid(format!("role {} is neither a built-in role name nor a role id", ra.role)))?;
        let scope = Scope::parse(&ra.scope).map_err(|_| invalid(format!("scope {} is not a valid scope", ra.scope)))?;
        self.ensure_scope_exists(&scope)?;
        if scope.subscription().and_then(|s| self.tenant_of_subscription(s)).is_some_and(|t| t != tenant) {
            return Err(invalid(format!("scope {} belongs to another tenant", ra.scope)));
        }
        let id = ra.id.unwrap_or_else(Uuid::new_v4);
        self.role_assignments.insert(
            id,
            RoleAssignment {
                id,
                scope: scope.id(),
                role_definition_id: role,
                principal_id: principal,
                principal_type: self.principal_exists_in(tenant, principal).map(str::to_string),
                tenant_id: tenant,
                description: None,
                created: now,
                effective_at: now,
                created_by: None,
            },
        );
        Ok(())
    }

    fn resolve_world_principal(&self, tenant: Uuid, name: &str) -> Result<Uuid> {
        if let Some(u) = self.user_by_upn(name).filter(|u| u.tenant_id == tenant) {
            return Ok(u.id);
        }
        let by_app = self
            .applications
            .values()
            .filter(|a| a.display_name == name || a.app_id.to_string().eq_ignore_ascii_case(name))
            .find_map(|a| self.service_principal_for(tenant, a.app_id));
        if let Some(sp) = by_app {
            return Ok(sp.id);
        }
        Uuid::parse_str(name).ok().filter(|id| self.principal_exists_in(tenant, *id).is_some()).ok_or_else(|| {
            invalid(format!(
                "principal {name} is not a user, an app with a service principal, or an object of this tenant"
            ))
        })
    }
}

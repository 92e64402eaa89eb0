//! The roles of the guide: Network Contributor (or a minimal custom role) for the customer's app on
//! its VNet (step 6), and the custom role with only `peer/action` for the provider's app (steps 8
//! and 9). Found before they are made.

use azure_client::arm::{Permission, PrincipalType, RoleAssignment, RoleDefinition, RoleDefinitionSpec};
use azure_client::ArmClient;

/// The built-in Network Contributor role; its GUID is the same in every cloud.
pub const NETWORK_CONTRIBUTOR: &str = "4d97b98b-1d4f-4787-a291-c67834d212e7";
pub const PEER_ACTION: &str = "Microsoft.Network/virtualNetworks/peer/action";
pub const VNET_READ: &str = "Microsoft.Network/virtualNetworks/read";
pub const PEERING_WRITE: &str = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write";
/// ARM reads a peering back after writing it (the long-running operation's result), so a role
/// that may write one must also read it.
pub const PEERING_READ: &str = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/read";

/// Which role the customer's app gets on its VNet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AppRole {
    /// The built-in Network Contributor, as the guide does.
    NetworkContributor,
    /// A custom role with only what creating the peering needs.
    Minimal,
}

/// A custom role `azure connect` defines, by name (unique per tenant).
pub struct CustomRole {
    pub name: String,
    pub description: &'static str,
    pub actions: Vec<&'static str>,
}

impl CustomRole {
    /// The minimal role for the customer's app (step 6 with `--role minimal`).
    pub fn writer(subscription: &str) -> Self {
        CustomRole {
            name: format!("isthmus-peering-writer-{subscription}"),
            description: "Create VNet peerings from VNets in scope (isthmus azure connect)",
            actions: vec![PEERING_WRITE, PEERING_READ, VNET_READ, PEER_ACTION],
        }
    }

    /// The provider's role (step 8): may peer to VNets in scope, nothing else.
    pub fn provider_peer(subscription: &str) -> Self {
        CustomRole {
            name: format!("isthmus-provider-peer-{subscription}"),
            description: "Allows creating a peering to VNets in scope, but not from them (isthmus azure connect)",
            actions: vec![PEER_ACTION],
        }
    }

    fn spec(&self, subscription_scope: &str) -> RoleDefinitionSpec {
        RoleDefinitionSpec {
            role_name: self.name.clone(),
            description: self.description.into(),
            assignable_scopes: vec![subscription_scope.to_string()],
            permissions: vec![Permission {
                actions: self.actions.iter().map(|a| a.to_string()).collect(),
                not_actions: vec![],
            }],
        }
    }

    /// The definition with this name, if any.
    pub async fn find(
        &self,
        arm: &ArmClient,
        tenant: &str,
        subscription_scope: &str,
    ) -> azure_client::Result<Option<RoleDefinition>> {
        let found = arm.list_role_definitions(tenant, subscription_scope, Some(&self.name)).await?;
        Ok(found.into_iter().find(|d| d.role_name.eq_ignore_ascii_case(&self.name)))
    }

    /// Whether `d` grants exactly what this role should.
    pub fn is_current(&self, d: &RoleDefinition) -> bool {
        let mut have: Vec<String> =
            d.permissions.iter().flat_map(|p| p.actions.iter().map(|a| a.to_ascii_lowercase())).collect();
        let mut want: Vec<String> = self.actions.iter().map(|a| a.to_ascii_lowercase()).collect();
        have.sort();
        want.sort();
        have == want && d.permissions.iter().all(|p| p.not_actions.is_empty())
    }

    /// Creates the role, or updates `existing` (keeping its GUID) to grant what it should.
    pub async fn put(
        &self,
        arm: &ArmClient,
        tenant: &str,
        subscription_scope: &str,
        existing: Option<&RoleDefinition>,
    ) -> azure_client::Result<RoleDefinition> {
        let id = existing.and_then(|d| uuid::Uuid::parse_str(&d.name).ok()).unwrap_or_else(uuid::Uuid::new_v4);
        arm.put_role_definition(tenant, subscription_scope, id, &self.spec(subscription_scope)).await
    }
}

/// The role definition id of Network Contributor, subscription-scoped as `az` prints it.
pub fn network_contributor_id(subscription: &str) -> String {
    format!("/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{NETWORK_CONTRIBUTOR}")
}

fn guid(id: &str) -> String {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_ascii_lowercase()
}

/// An assignment of `role_definition_id` to `principal_id` that applies at `scope` (made there or
/// inherited from its resource group or subscription).
pub async fn find_assignment(
    arm: &ArmClient,
    tenant: &str,
    scope: &str,
    role_definition_id: &str,
    principal_id: &str,
) -> azure_client::Result<Option<RoleAssignment>> {
    let all = arm.list_role_assignments(tenant, scope, Some(principal_id)).await?;
    Ok(all.into_iter().find(|a| {
        a.principal_id.eq_ignore_ascii_case(principal_id) && guid(&a.role_definition_id) == guid(role_definition_id)
    }))
}

/// Assigns the role at `scope` to a service principal (an existing assignment counts as success).
pub async fn assign(
    arm: &ArmClient,
    tenant: &str,
    scope: &str,
    role_definition_id: &str,
    principal_id: &str,
) -> azure_client::Result<RoleAssignment> {
    arm.create_role_assignment(tenant, scope, role_definition_id, principal_id, Some(PrincipalType::ServicePrincipal))
        .await
}

/// Where an assignment was made, for the progress line.
pub fn describe(a: &RoleAssignment, scope: &str) -> String {
    if a.scope.is_empty() || a.scope.trim_end_matches('/').eq_ignore_ascii_case(scope.trim_end_matches('/')) {
        "on the VNet".to_string()
    } else {
        format!("inherited from {}", a.scope)
    }
}

//! RBAC role definitions and role assignments, read from ARM's JSON.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    #[serde(default)]
    pub actions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_actions: Vec<String>,
}

/// A custom role to create or update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDefinitionSpec {
    /// Unique per tenant (ARM answers `RoleDefinitionWithSameNameExists` otherwise).
    pub role_name: String,
    pub description: String,
    pub assignable_scopes: Vec<String>,
    pub permissions: Vec<Permission>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDefinition {
    /// Subscription-scoped when read at or under a subscription, as `az` prints it.
    pub id: String,
    /// The GUID.
    pub name: String,
    pub role_name: String,
    /// `BuiltInRole` or `CustomRole`.
    pub role_type: String,
    pub assignable_scopes: Vec<String>,
    pub permissions: Vec<Permission>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalType {
    User,
    Group,
    ServicePrincipal,
}

impl PrincipalType {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::User => "User",
            PrincipalType::Group => "Group",
            PrincipalType::ServicePrincipal => "ServicePrincipal",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleAssignment {
    pub id: String,
    /// The GUID.
    pub name: String,
    pub scope: String,
    pub role_definition_id: String,
    pub principal_id: String,
    pub principal_type: Option<String>,
}

impl RoleAssignment {
    /// Same principal, same role (by GUID, whatever scope the definition id was written at) and the
    /// same scope (case-insensitive, as ARM compares ids).
    pub(super) fn grants(&self, scope: &str, role_definition_id: &str, principal_id: &str) -> bool {
        let guid = |id: &str| id.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_ascii_lowercase();
        let norm = |s: &str| s.trim_end_matches('/').to_ascii_lowercase();
        self.principal_id.eq_ignore_ascii_case(principal_id)
            && guid(&self.role_definition_id) == guid(role_definition_id)
            && norm(&self.scope) == norm(scope)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DefinitionWire {
    id: String,
    name: String,
    properties: DefinitionProperties,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DefinitionProperties {
    #[serde(default)]
    role_name: String,
    #[serde(default, rename = "type")]
    role_type: String,
    #[serde(default)]
    assignable_scopes: Vec<String>,
    #[serde(default)]
    permissions: Vec<Permission>,
}

impl From<DefinitionWire> for RoleDefinition {
    fn from(w: DefinitionWire) -> Self {
        let p = w.properties;
        RoleDefinition {
            id: w.id,
            name: w.name,
            role_name: p.role_name,
            role_type: p.role_type,
            assignable_scopes: p.assignable_scopes,
            permissions: p.permissions,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct AssignmentWire {
    id: String,
    name: String,
    properties: AssignmentProperties,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssignmentProperties {
    #[serde(default)]
    scope: String,
    role_definition_id: String,
    principal_id: String,
    principal_type: Option<String>,
}

impl From<AssignmentWire> for RoleAssignment {
    fn from(w: AssignmentWire) -> Self {
        let p = w.properties;
        RoleAssignment {
            id: w.id,
            name: w.name,
            scope: p.scope,
            role_definition_id: p.role_definition_id,
            principal_id: p.principal_id,
            principal_type: p.principal_type,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_ignores_definition_scope_and_case() {
        let a = RoleAssignment {
            id: String::new(),
            name: String::new(),
            scope: "/subscriptions/S/resourceGroups/RG".into(),
            role_definition_id: "/subscriptions/S/providers/Microsoft.Authorization/roleDefinitions/ABC".into(),
            principal_id: "P".into(),
            principal_type: None,
        };
        assert!(a.grants(
            "/subscriptions/s/resourcegroups/rg",
            "/providers/Microsoft.Authorization/roleDefinitions/abc",
            "p"
        ));
        assert!(!a.grants("/subscriptions/s", "abc", "p"));
    }
}

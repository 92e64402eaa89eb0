//! Entra ID objects: tenants, users, applications, service principals, and the directory roles that
//! decide who may write them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tenant {
    pub id: Uuid,
    pub display_name: String,
    pub default_domain: String,
    #[serde(default = "default_country")]
    pub country_code: String,
    /// Entra ID's "Users can register applications" setting; on by default as in a new tenant.
    #[serde(default = "yes")]
    pub users_can_register_apps: bool,
}

fn default_country() -> String {
    "NL".into()
}
fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DirectoryRole {
    #[serde(rename = "Global Administrator")]
    GlobalAdministrator,
    #[serde(rename = "Application Administrator")]
    ApplicationAdministrator,
    #[serde(rename = "Cloud Application Administrator")]
    CloudApplicationAdministrator,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub user_principal_name: String,
    pub display_name: String,
    pub password_hash: String,
    #[serde(default)]
    pub directory_roles: Vec<DirectoryRole>,
    pub created: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInAudience {
    AzureADMyOrg,
    AzureADMultipleOrgs,
}

impl SignInAudience {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "AzureADMyOrg" => Some(Self::AzureADMyOrg),
            "AzureADMultipleOrgs" => Some(Self::AzureADMultipleOrgs),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AzureADMyOrg => "AzureADMyOrg",
            Self::AzureADMultipleOrgs => "AzureADMultipleOrgs",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasswordCredential {
    pub key_id: Uuid,
    pub display_name: Option<String>,
    /// The first three characters of the secret, as Graph shows them.
    pub hint: String,
    pub secret_hash: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Application {
    /// The object id, local to the home tenant.
    pub id: Uuid,
    /// The client id, global.
    pub app_id: Uuid,
    pub tenant_id: Uuid,
    pub display_name: String,
    pub sign_in_audience: SignInAudience,
    #[serde(default)]
    pub password_credentials: Vec<PasswordCredential>,
    #[serde(default)]
    pub identifier_uris: Vec<String>,
    #[serde(default)]
    pub owners: Vec<Uuid>,
    pub created: DateTime<Utc>,
    /// Graph properties the emulator keeps without acting on them (`web`, `tags`, `notes`…),
    /// returned as sent; see `identity::properties`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub properties: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServicePrincipal {
    pub id: Uuid,
    pub app_id: Uuid,
    pub tenant_id: Uuid,
    pub app_owner_tenant_id: Uuid,
    pub display_name: String,
    pub account_enabled: bool,
    #[serde(default)]
    pub directory_roles: Vec<DirectoryRole>,
    pub created: DateTime<Utc>,
    /// As for applications: stored, returned as sent, never acted on.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub properties: Map<String, Value>,
}

/// Who is calling, as proven by a verified token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub tenant_id: Uuid,
    pub object_id: Uuid,
    pub app_id: Uuid,
    pub kind: PrincipalKind,
    /// The user principal name for users; the app id for service principals (what ARM prints as
    /// "the client").
    pub display: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    User,
    ServicePrincipal,
}

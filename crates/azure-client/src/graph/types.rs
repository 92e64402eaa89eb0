//! Graph's directory objects, reduced to the fields isthmus uses.

use crate::secret::Secret;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipal {
    /// The object id: what role assignments name as `principalId`.
    pub id: String,
    pub app_id: String,
    #[serde(default)]
    pub display_name: String,
    /// The tenant that owns the application.
    pub app_owner_organization_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    /// The object id, used to address the application (`addPassword`).
    pub id: String,
    pub app_id: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub sign_in_audience: String,
    #[serde(default)]
    pub password_credentials: Vec<PasswordCredential>,
}

/// A password as Graph lists it: never with its text.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordCredential {
    pub key_id: String,
    pub display_name: Option<String>,
    pub hint: Option<String>,
    pub end_date_time: Option<String>,
}

/// A password just added: the only time Graph returns its text.
#[derive(Debug, Clone)]
pub struct AddedPassword {
    pub key_id: String,
    pub secret_text: Secret,
    pub end_date_time: Option<String>,
}

//! Log-in and the caller's projects.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Credentials for `POST /v1/userauth`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserAuthIn {
    /// The user's email.
    pub email: String,
    /// The user's password.
    #[schema(format = Password)]
    pub password: String,
    /// Accepted for compatibility and ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<String>,
}

/// A logged-in session.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserAuthOut {
    /// Always `active`.
    #[schema(pattern = "^active$")]
    pub state: String,
    /// The API token, for `Authorization: aivenv1 <token>`.
    pub token: String,
    /// The email logged in with.
    pub user_email: String,
}

/// The projects the caller is a member of.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProjectListOut {
    pub projects: Vec<ProjectOut>,
}

/// One project.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProjectOut {
    /// The project's name.
    pub project_name: String,
}

//! Log-in, the caller's projects and user, and the clouds.

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

/// One project, with the billing fields `avn project list -v` and `avn project details` print.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProjectOut {
    /// The project's name.
    pub project_name: String,
    /// The cloud of the project's first VPC, else `azure-westeurope`.
    pub default_cloud: String,
    /// Always `USD`.
    pub billing_currency: String,
    /// Always empty.
    pub vat_id: String,
    /// Always null; `avn` needs the key.
    #[schema(required)]
    pub billing_extra_text: Option<String>,
    /// Always empty.
    pub billing_address: String,
    /// Always empty.
    pub country_code: String,
}

/// `GET /v1/project/{project}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProjectGetOut {
    pub project: ProjectOut,
}

/// The authenticated user, as `avn user info` prints it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserOut {
    /// The user's email.
    pub user: String,
    /// The user's id.
    pub user_id: String,
    /// The user's name; empty when unknown.
    pub real_name: String,
    /// Always `active`.
    pub state: String,
    /// When the token in use was issued (ISO-8601, UTC).
    #[schema(format = DateTime, required)]
    pub token_validity_begin: Option<String>,
    /// The projects the user is a member of.
    pub projects: Vec<String>,
    /// How the user logs in: `password`.
    pub auth: Vec<String>,
}

/// `GET /v1/me`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MeOut {
    pub user: UserOut,
}

/// One cloud a project VPC can be created in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CloudOut {
    /// E.g. `Europe, Netherlands - Azure: West Europe`.
    pub cloud_description: String,
    /// E.g. `azure-westeurope`.
    pub cloud_name: String,
    pub geo_latitude: f64,
    pub geo_longitude: f64,
    /// Lower-case continent, e.g. `europe`.
    pub geo_region: String,
    /// Always `azure`.
    pub provider: String,
    /// Always `Microsoft Azure`.
    pub provider_description: String,
}

/// The clouds served.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CloudListOut {
    pub clouds: Vec<CloudOut>,
}

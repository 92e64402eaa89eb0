//! The control plane's error enum: stable codes, the HTTP status each maps to, and messages that say
//! what was wrong and how to fix it.

use thiserror::Error;

#[derive(Debug, Clone, Error, PartialEq)]
pub enum ControlPlaneError {
    #[error("Invalid token")]
    InvalidToken,
    #[error("Not authorized to access project '{0}'")]
    NotProjectMember(String),
    #[error("Project '{0}' does not exist")]
    ProjectNotFound(String),
    #[error("Project VPC does not exist")]
    VpcNotFound,
    #[error("Peering connection does not exist")]
    ConnectionNotFound,
    #[error("Peering connection already exists")]
    ConnectionExists,
    #[error("Project VPC {id} is in state {state}, not ACTIVE")]
    VpcNotActive { id: String, state: String },
    #[error("Project VPC already exists in cloud {cloud}: {id}; a project has one VPC per cloud")]
    VpcExistsInCloud { cloud: String, id: String },
    #[error("Project VPC {0} still has peering connections; delete them first")]
    VpcHasConnections(String),
    #[error("Project VPC {0} still has services; terminate them first (avn service terminate)")]
    VpcHasServices(String),
    #[error("Service '{0}' does not exist")]
    ServiceNotFound(String),
    #[error("Service type '{0}' is not served; this stack serves: pg")]
    ServiceTypeNotFound(String),
    #[error("Service '{0}' already exists in this project")]
    ServiceExists(String),
    #[error("Service '{0}' is protected against termination; turn termination_protection off first")]
    ServiceProtected(String),
    #[error("This control plane has no compute backend, so it cannot run services: run `isthmus up` (which runs PostgreSQL services inside project VPCs), or create services with your provider's own tooling")]
    NoComputeBackend,
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("Invalid JSON body: {0}")]
    BadJson(String),
    #[error("Request body is larger than {0} bytes")]
    TooLarge(usize),
    #[error("Connection {id} is {actual}, not {expected}; it changed meanwhile")]
    StaleState { id: String, expected: String, actual: String },
    #[error("A connection cannot go from {from} to {to}")]
    IllegalTransition { from: String, to: String },
    #[error("Invalid email or password")]
    BadLogin,
    #[error("Not found: {0}")]
    NoRoute(String),
    #[error("Storage failed: {0}")]
    Store(String),
}

impl ControlPlaneError {
    pub fn code(&self) -> &'static str {
        use ControlPlaneError::*;
        match self {
            InvalidToken => "invalid_token",
            NotProjectMember(_) => "not_project_member",
            ProjectNotFound(_) => "project_not_found",
            VpcNotFound => "vpc_not_found",
            ConnectionNotFound => "connection_not_found",
            ConnectionExists => "connection_exists",
            VpcNotActive { .. } => "vpc_not_active",
            VpcExistsInCloud { .. } => "vpc_exists_in_cloud",
            VpcHasConnections(_) => "vpc_has_connections",
            VpcHasServices(_) => "vpc_has_services",
            ServiceNotFound(_) => "service_not_found",
            ServiceTypeNotFound(_) => "service_type_not_found",
            ServiceExists(_) => "service_exists",
            ServiceProtected(_) => "service_protected",
            NoComputeBackend => "no_compute_backend",
            Invalid { .. } => "invalid_input",
            BadJson(_) => "bad_json",
            TooLarge(_) => "body_too_large",
            StaleState { .. } => "stale_state",
            IllegalTransition { .. } => "illegal_transition",
            BadLogin => "bad_login",
            NoRoute(_) => "no_route",
            Store(_) => "store_failed",
        }
    }

    pub fn status(&self) -> u16 {
        use ControlPlaneError::*;
        match self {
            InvalidToken | NotProjectMember(_) => 403,
            BadLogin => 401,
            ProjectNotFound(_)
            | VpcNotFound
            | ConnectionNotFound
            | ServiceNotFound(_)
            | ServiceTypeNotFound(_)
            | NoRoute(_) => 404,
            ServiceProtected(_) => 403,
            ConnectionExists
            | VpcNotActive { .. }
            | VpcExistsInCloud { .. }
            | VpcHasConnections(_)
            | VpcHasServices(_)
            | ServiceExists(_)
            | NoComputeBackend
            | StaleState { .. } => 409,
            IllegalTransition { .. } => 409,
            Invalid { .. } | BadJson(_) => 400,
            TooLarge(_) => 413,
            Store(_) => 500,
        }
    }
}

impl From<sqlx::Error> for ControlPlaneError {
    fn from(e: sqlx::Error) -> Self {
        ControlPlaneError::Store(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for ControlPlaneError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        ControlPlaneError::Store(e.to_string())
    }
}

pub type Result<T, E = ControlPlaneError> = std::result::Result<T, E>;

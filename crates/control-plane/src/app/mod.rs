//! The app layer, between the API and the store: every rule of the control plane's API lives here
//! once (what a request may say, which VPC takes which connection, what a delete needs), with each
//! rule that reads and writes made one store transaction so concurrent requests cannot race past
//! it. It speaks the domain and the crate's error, never HTTP.

pub mod connections;
pub mod services;
pub mod vpcs;

use crate::error::ControlPlaneError;
use uuid::Uuid;

/// A project VPC id as a path names it.
pub fn vpc_id(raw: &str) -> Result<Uuid, ControlPlaneError> {
    Uuid::parse_str(raw).map_err(|_| ControlPlaneError::Invalid {
        field: "project_vpc_id".into(),
        message: format!("'{raw}' is not a project VPC id (a UUID)"),
    })
}

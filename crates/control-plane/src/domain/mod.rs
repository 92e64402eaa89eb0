//! Domain types and rules, with no storage or HTTP.

pub mod clouds;
pub mod model;
pub mod service;
pub mod service_types;
pub mod validate;

/// The states and their transition table are part of the API contract.
pub use control_plane_api::states::{ConnectionState, ServiceState, VpcState};
pub use model::*;
pub use service::{NewService, Service};

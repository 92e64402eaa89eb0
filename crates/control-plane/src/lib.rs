//! The isthmus control plane: project VPCs and Azure peering connections behind an Aiven-compatible
//! API, kept in SQLite or PostgreSQL.

pub mod api;
pub mod app;
pub mod compute;
pub mod console;
pub mod domain;
pub mod error;
pub mod placer;
pub mod reconciler;
pub mod store;

pub use error::{ControlPlaneError, Result};

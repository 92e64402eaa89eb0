//! A multi-tenant Azure emulator: Entra ID logins, Microsoft Graph, ARM, RBAC (always enforced)
//! and cross-tenant VNet peering, served over HTTPS so the real `az` CLI works against it.

pub mod error;
pub mod model;

pub use error::{EmulatorError, Result};

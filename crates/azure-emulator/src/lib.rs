//! A multi-tenant Azure emulator: Entra ID logins, Microsoft Graph, ARM, RBAC (always enforced)
//! and cross-tenant VNet peering, served over HTTPS so the real `az` CLI works against it.

pub mod error;
pub mod model;

pub use error::{EmulatorError, Result};
pub mod clock;
pub mod persistence;
pub mod throttle;
pub mod tls;
pub mod tokens;
pub mod server;
pub mod wire;

pub use server::{start, Emulator, EmulatorConfig};

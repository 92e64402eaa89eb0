//! A multi-tenant Azure emulator: Entra ID logins, Microsoft Graph, ARM, RBAC (always enforced)
//! and cross-tenant VNet peering, served over HTTPS so the real `az` CLI works against it.

// Errors carry the exact texts Azure prints (up to six ids each); they are the rare path, so their
// size is not worth boxing every variant for.
#![allow(clippy::result_large_err)]

pub mod authorization;
pub mod dataplane;
pub mod error;
pub mod identity;
pub mod model;
pub mod network;

pub use error::{EmulatorError, Result};
pub mod clock;
pub mod persistence;
pub mod server;
pub mod throttle;
pub mod tls;
pub mod tokens;
pub mod wire;

pub use dataplane::DataPlaneMode;
pub use server::{start, Emulator, EmulatorConfig};

//! The emulator's rules, free of HTTP: identity, RBAC, resources and networking.

pub mod authorization;
pub mod builtin_roles;
pub mod directory;
pub mod identity;
pub mod network;
pub mod rbac;
pub mod resources;
pub mod scope;
pub mod secrets;
pub mod state;
pub mod world;

pub use identity::{Principal, PrincipalKind};
pub use state::State;

//! The emulator's rules, free of HTTP: identity, RBAC, resources and networking.

pub mod access;
pub mod authorization;
pub mod builtin_roles;
pub mod directory;
pub mod identity;
pub mod limits;
pub mod lockout;
pub mod names;
pub mod network;
pub mod operations;
pub mod query;
pub mod rbac;
pub mod resources;
pub mod scope;
pub mod secrets;
pub mod state;
pub mod world;

pub use access::{Caller, Op};
pub use identity::{Principal, PrincipalKind};
pub use state::State;

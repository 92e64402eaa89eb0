//! Authorization (Azure RBAC): scopes, role definitions and assignments, and the one place access
//! is decided (`access`: every ARM operation and the action it needs). Rules in `rules`, ARM's
//! formats in `wire`.

pub mod access;
pub mod builtin_roles;
pub mod rbac;
pub mod rules;
pub mod scope;
pub mod wire;

//! Identity's wire formats: Entra ID's login endpoints and Microsoft Graph.

pub mod graph;
pub mod login;

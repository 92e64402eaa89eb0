//! Network's ARM routes and JSON.

pub mod peerings;
pub mod render;
pub mod subscriptions;
pub mod vnets;

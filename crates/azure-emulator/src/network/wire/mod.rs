//! Network's ARM routes and JSON.

pub mod addresses;
pub mod catalog;
pub mod peerings;
pub mod render;
pub mod resources;
pub mod subscriptions;
pub mod vnets;

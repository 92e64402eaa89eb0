//! Network's ARM routes and JSON.

pub mod addresses;
pub mod catalog;
pub mod nics;
pub mod peerings;
pub mod props;
pub mod render;
pub mod resources;
pub mod subscriptions;
pub mod vnets;

//! Network (ARM's Resources and Network providers): subscriptions, resource groups, virtual
//! networks, subnets, the cross-tenant peering state machine and network interfaces with their
//! private addresses. Rules in `rules` and `interfaces`, address allocation in `addresses`,
//! long-running operation records in `operations`, ARM's formats in `wire`.

pub mod addresses;
pub mod interfaces;
pub mod operations;
pub mod resources;
pub mod rules;
pub mod wire;

//! Network (ARM's Resources and Network providers): subscriptions, resource groups, virtual
//! networks, subnets and the cross-tenant peering state machine. Rules in `rules`, long-running
//! operation records in `operations`, ARM's formats in `wire`.

pub mod operations;
pub mod resources;
pub mod rules;
pub mod wire;

//! Background reads: the periodic sweeps that may wait, so they only spend the budget above its
//! reserve and always after queued foreground requests.

use super::{ArmClient, Peering, VirtualNetwork};
use crate::budget::RequestBudget;
use crate::error::Result;
use std::sync::Arc;

/// An `ArmClient` whose every call is a background read. Made by [`ArmClient::background`];
/// owned, so a sweeper task can keep it.
#[derive(Clone)]
pub struct BackgroundArm {
    arm: ArmClient,
}

impl BackgroundArm {
    pub(super) fn new(arm: ArmClient) -> Self {
        BackgroundArm { arm }
    }

    pub fn budget(&self) -> &Arc<RequestBudget> {
        self.arm.budget()
    }

    /// [`ArmClient::list_virtual_networks`], as a background read.
    pub async fn list_virtual_networks(&self, tenant: &str, subscription_id: &str) -> Result<Vec<VirtualNetwork>> {
        self.arm.list_virtual_networks(tenant, subscription_id).await
    }

    /// [`ArmClient::read_peerings`], as a background read.
    pub async fn read_peerings(&self, tenant: &str, vnet_id: &str) -> Result<Vec<Peering>> {
        self.arm.read_peerings(tenant, vnet_id).await
    }

    /// [`ArmClient::get_virtual_network`], as a background read.
    pub async fn get_virtual_network(&self, tenant: &str, vnet_id: &str) -> Result<Option<VirtualNetwork>> {
        self.arm.get_virtual_network(tenant, vnet_id).await
    }
}

//! Batched observation: one ARM read of a provider VNet's peerings serves every connection of that
//! project VPC for a short while, so detection costs grow with VPCs, not connections.

use super::vpcs::outcome;
use super::Reconciler;
use azure_client::Peering;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::Mutex as AsyncMutex;

/// When a read was made (monotonic, for the TTL; wall clock, to compare with a refresh request
/// stored by another process) and what it saw.
type Slot = Arc<AsyncMutex<Option<(Instant, DateTime<Utc>, Vec<Peering>)>>>;

#[derive(Default)]
pub struct Observations {
    by_vnet: Mutex<HashMap<String, Slot>>,
}

impl Observations {
    fn slot(&self, vnet: &str) -> Slot {
        self.by_vnet.lock().expect("observations").entry(vnet.to_ascii_lowercase()).or_default().clone()
    }
}

impl Reconciler {
    /// The provider VNet's peerings, read at most once per `observation_ttl` (concurrent callers
    /// wait for the one read in flight), and never older than `fresh_after` (a refresh request).
    pub(super) async fn observed_peerings(
        &self,
        vnet: &str,
        fresh_after: Option<DateTime<Utc>>,
    ) -> azure_client::Result<Vec<Peering>> {
        let slot = self.observations.slot(vnet);
        let mut cached = slot.lock().await;
        if let Some((at, wall, peerings)) = cached.as_ref() {
            if at.elapsed() < self.settings.observation_ttl && fresh_after.is_none_or(|f| *wall >= f) {
                return Ok(peerings.clone());
            }
        }
        self.read_into(&mut cached, vnet, true).await
    }

    /// Reads the provider VNet's peerings now, as a background read (a sweep), keeping the read
    /// for the workers a sweep hands connections to.
    /// A read someone asked for (a refresh: a user is waiting) is a foreground read.
    pub(super) async fn observe_now(&self, vnet: &str, asked: bool) -> azure_client::Result<Vec<Peering>> {
        let slot = self.observations.slot(vnet);
        let mut cached = slot.lock().await;
        self.read_into(&mut cached, vnet, asked).await
    }

    /// Reads the VNet's peerings (in the foreground, or as a background read) and keeps the read
    /// in `cached`, the VNet's slot, held by the caller.
    async fn read_into(
        &self,
        cached: &mut Option<(Instant, DateTime<Utc>, Vec<Peering>)>,
        vnet: &str,
        foreground: bool,
    ) -> azure_client::Result<Vec<Peering>> {
        let started = Utc::now();
        let tenant = &self.provider.tenant_id;
        let read = if foreground {
            self.arm.read_peerings(tenant, vnet).await
        } else {
            self.arm.background().read_peerings(tenant, vnet).await
        };
        self.metrics.azure_call("read_peerings", outcome(&read));
        let peerings = read?;
        *cached = Some((Instant::now(), started, peerings.clone()));
        Ok(peerings)
    }

    /// Every provider VNet's peerings in one paged list of the subscription (peerings come
    /// embedded), by lower-cased VNet id; each kept as that VNet's latest read.
    pub(super) async fn observe_subscription(&self) -> azure_client::Result<HashMap<String, Vec<Peering>>> {
        let started = Utc::now();
        let read =
            self.arm.background().list_virtual_networks(&self.provider.tenant_id, &self.provider.subscription_id).await;
        self.metrics.azure_call("list_virtual_networks", outcome(&read));
        let mut by_vnet = HashMap::new();
        for vnet in read? {
            let id = vnet.id.to_ascii_lowercase();
            *self.observations.slot(&id).lock().await = Some((Instant::now(), started, vnet.peerings.clone()));
            by_vnet.insert(id, vnet.peerings);
        }
        Ok(by_vnet)
    }

    /// Forgets a VNet's cached peerings after we changed them.
    pub(super) async fn invalidate(&self, vnet: &str) {
        *self.observations.slot(vnet).lock().await = None;
    }
}

//! This replica's presence: a heartbeat in the store, and from the replicas seen alive, its share
//! of the provider subscription's ARM budget (replicas share one principal, so one budget).

use super::Reconciler;
use chrono::Utc;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::watch;

impl Reconciler {
    pub(super) async fn presence_loop(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        // Often, so a replica that joins is counted before the others spend its share.
        let period = (self.settings.lease / 3).min(std::time::Duration::from_secs(2));
        loop {
            let now = Utc::now();
            let lease = chrono::Duration::from_std(self.settings.lease).unwrap_or_default();
            let seen = self.store.replica_seen(&self.settings.replica, now).await;
            match (seen, self.store.live_replicas(now - lease).await) {
                (Ok(()), Ok(n)) => self.share_budget(n),
                (Err(e), _) | (_, Err(e)) => tracing::warn!(error = %e, "replica heartbeat failed"),
            }
            tokio::select! {
                _ = tokio::time::sleep(period) => {}
                _ = shutdown.changed() => {
                    if let Err(e) = self.store.replica_left(&self.settings.replica).await {
                        tracing::warn!(error = %e, "leaving the replica list failed");
                    }
                    return;
                }
            }
        }
    }

    /// Takes 1/n of the ARM budget when n replicas are alive.
    fn share_budget(&self, n: u32) {
        let before = self.replicas.swap(n, Ordering::Relaxed);
        if before != n {
            match self.arm.budget().set_share(1.0 / f64::from(n.max(1))) {
                Ok(()) => tracing::info!(replicas = n, "sharing the provider subscription's ARM budget"),
                Err(e) => tracing::warn!(replicas = n, error = %e, "sharing the ARM budget failed"),
            }
        }
    }
}

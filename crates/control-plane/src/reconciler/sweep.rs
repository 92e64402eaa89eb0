//! Detection driven by VNets: a sweep reads a provider VNet's peerings once and follows every
//! watched connection of its VPC from that one read. Only a connection whose peering changed costs
//! a store write; one that needs Azure writes (our side put back or removed) is handed over to
//! the per-connection workers. Sweeps are leased per VPC in the store, so each VNet is observed by
//! one replica per sweep and a dead replica's VPCs pass to the others when its lease lapses.

use super::connection::peering_name;
use super::decide::{self, Decision};
use super::Reconciler;
use crate::domain::{ConnectionState, PeeringConnection, Vpc};
use azure_client::{Peering, PeeringState};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;

/// VPCs one replica claims for sweeping at once.
const SWEEP_BATCH: i64 = 64;

impl Reconciler {
    /// Sweeps due VPCs until `shutdown`: claims whatever is due whenever woken, also while
    /// earlier sweeps are still running (a nudged VNet never waits behind a long round).
    pub(super) async fn sweep_loop(self: Arc<Self>, wake: Arc<Notify>, mut shutdown: watch::Receiver<bool>) {
        let mut running = JoinSet::new();
        loop {
            if *shutdown.borrow() {
                while running.join_next().await.is_some() {}
                return;
            }
            let wait = if self.start_due_sweeps(&mut running).await {
                Duration::from_millis(20)
            } else {
                match self.store.next_sweep_due().await {
                    Ok(Some(due)) => (due - Utc::now())
                        .to_std()
                        .unwrap_or_default()
                        .clamp(Duration::from_millis(20), Duration::from_secs(1)),
                    _ => Duration::from_secs(1),
                }
            };
            tokio::select! {
                Some(_) = running.join_next(), if !running.is_empty() => {}
                _ = wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.changed() => {}
            }
        }
    }

    /// Claims the VPCs due now and sweeps them (for tests and one-shot passes); whether any were.
    pub(super) async fn sweep_due(self: &Arc<Self>) -> bool {
        let mut running = JoinSet::new();
        let started = self.start_due_sweeps(&mut running).await;
        while running.join_next().await.is_some() {}
        started
    }

    /// Claims the VPCs due for a sweep (and those due within half a pending interval, so sweeps
    /// gather) and starts their sweeps in `running`; whether there were any. A VNet someone asked
    /// to refresh is read on its own at once; two or more others are observed with one list of
    /// the subscription, a single one with a list of its VNet's peerings.
    async fn start_due_sweeps(self: &Arc<Self>, running: &mut JoinSet<()>) -> bool {
        let lease = self.settings.lease.as_millis() as i64;
        let now = Utc::now();
        let due_by = now + chrono::Duration::from_std(self.settings.pending_interval / 2).unwrap_or_default();
        let claimed = self.store.claim_due_sweeps(&self.settings.replica, now, due_by, lease, SWEEP_BATCH).await;
        let vpcs = match claimed {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(error = %e, "claiming sweeps failed");
                return false;
            }
        };
        if vpcs.is_empty() {
            return false;
        }
        // Asked for after the last sweep's read began: someone waits for this VNet's read.
        let (nudged, gathered): (Vec<Vpc>, Vec<Vpc>) =
            vpcs.into_iter().partition(|v| v.refresh_requested.is_some_and(|r| v.observed.is_none_or(|o| r > o)));
        for vpc in nudged {
            let me = self.clone();
            running.spawn(async move { me.sweep(vpc, None, true).await });
        }
        match gathered.len() {
            0 => {}
            1 => {
                let (me, vpc) = (self.clone(), gathered.into_iter().next().expect("one"));
                running.spawn(async move { me.sweep(vpc, None, false).await });
            }
            _ => {
                let me = self.clone();
                running.spawn(async move { me.sweep_gathered(gathered).await });
            }
        }
        true
    }

    /// Several VPCs observed with one list of the provider subscription (a VNet missing from it
    /// is read on its own, which tells a deleted VNet from a slow list).
    async fn sweep_gathered(self: Arc<Self>, vpcs: Vec<Vpc>) {
        let started = Instant::now();
        let observed_from = Utc::now();
        let mut listed = match self.observe_subscription().await {
            Ok(by_vnet) => by_vnet,
            Err(e) => {
                tracing::warn!(error = %e, "listing the provider subscription's VNets failed; reading each");
                HashMap::new()
            }
        };
        let mut sweeps = JoinSet::new();
        for vpc in vpcs {
            let me = self.clone();
            let vnet = vpc.provider_vnet_id.as_deref().unwrap_or_default().to_ascii_lowercase();
            let seen = listed.remove(&vnet).map(|peerings| (observed_from, peerings));
            sweeps.spawn(async move { me.sweep(vpc, seen, false).await });
        }
        while sweeps.join_next().await.is_some() {}
        self.metrics.sweep_took("subscription", started);
    }

    /// One sweep of one VPC: observe (unless the subscription's list already did; as a foreground
    /// read when `asked`, as someone asked for the refresh and waits), follow, schedule the next.
    async fn sweep(&self, vpc: Vpc, seen: Option<(DateTime<Utc>, Vec<Peering>)>, asked: bool) {
        let Some(vnet) = vpc.provider_vnet_id.clone() else { return };
        let started = Instant::now();
        let listed = seen.is_some();
        let (observed_from, read) = match seen {
            Some((from, peerings)) => (from, Ok(peerings)),
            None => (Utc::now(), self.observe_now(&vnet, asked).await),
        };
        let next = match read {
            Ok(peerings) => {
                self.metrics.sweeps.inc();
                self.follow(&vpc, &vnet, observed_from, &peerings).await
            }
            Err(e) => {
                tracing::warn!(vpc = %vpc.id, error = %e, "sweeping the provider VNet failed; will retry");
                self.after(self.settings.pending_interval)
            }
        };
        if let Err(e) = self.store.release_sweep(vpc.id, &self.settings.replica, observed_from, next, Utc::now()).await
        {
            tracing::warn!(vpc = %vpc.id, error = %e, "releasing the sweep failed");
        }
        if !listed {
            self.metrics.sweep_took(if asked { "asked" } else { "vnet" }, started);
        }
        if let Some(asked_at) = vpc.refresh_requested.filter(|r| asked && *r <= observed_from) {
            // An asked sweep is claimed (and reads) after the request: the one that honours it.
            let waited = (Utc::now() - asked_at).to_std().unwrap_or_default();
            self.metrics.refresh_seconds.observe(waited.as_secs_f64());
        }
    }

    /// Decides every watched connection of the VPC on one observation; when to sweep again.
    async fn follow(&self, vpc: &Vpc, vnet: &str, observed_from: DateTime<Utc>, peerings: &[Peering]) -> DateTime<Utc> {
        let watched = match self.store.watched_connections(vpc.id, Utc::now()).await {
            Ok(w) => w,
            Err(e) => {
                tracing::warn!(vpc = %vpc.id, error = %e, "reading the watched connections failed");
                return self.after(self.settings.pending_interval);
            }
        };
        let seen: HashMap<String, &PeeringState> =
            peerings.iter().map(|p| (p.name.to_ascii_lowercase(), &p.peering_state)).collect();
        let mut handed_over = false;
        let mut pending = false;
        for c in watched {
            let state = if c.updated > observed_from {
                // It changed after the read began: the read may not show what changed it.
                c.state
            } else {
                let state = seen.get(&peering_name(&c).to_ascii_lowercase()).map(|s| (*s).clone());
                match self.judge(&c, vnet, state).await {
                    Judged::Now(s) => s,
                    Judged::HandedOver => {
                        handed_over = true;
                        c.state
                    }
                }
            };
            pending |= state == ConnectionState::PendingPeer;
        }
        if handed_over {
            self.connection_wake.notify_one();
        }
        self.after(if pending { self.settings.pending_interval } else { self.settings.active_interval })
    }

    /// One connection on what its peering reads as: nothing to do (no store write), a move, or a
    /// hand-over to a worker for Azure writes.
    async fn judge(&self, c: &PeeringConnection, vnet: &str, seen: Option<PeeringState>) -> Judged {
        if seen == Some(PeeringState::Disconnected) && self.told_disconnected_recently(c) {
            // Putting our side back cannot help until the customer re-creates theirs; try again
            // now and then, not on every sweep.
            return Judged::Now(c.state);
        }
        let decision = decide::on_seen(&self.facts(c, vnet), seen.into());
        match decision {
            Decision::Stay => Judged::Now(c.state),
            Decision::Move { .. } => match self.apply(c, vnet, decision).await {
                Ok(super::connection::Applied::Moved(m)) => Judged::Now(m.state),
                _ => Judged::Now(c.state),
            },
            Decision::Restore | Decision::EndedByPeer { .. } | Decision::Note(_) | Decision::Retry { .. } => {
                if let Err(e) = self.store.hand_over(c.id, Utc::now()).await {
                    tracing::warn!(connection = %c.id, error = %e, "handing the connection over failed");
                }
                Judged::HandedOver
            }
        }
    }

    fn told_disconnected_recently(&self, c: &PeeringConnection) -> bool {
        let told = c.state_info.as_ref().is_some_and(|i| i.kind == super::messages::PEER_DISCONNECTED);
        told && (Utc::now() - c.updated).to_std().unwrap_or_default() < self.settings.active_interval
    }
}

enum Judged {
    Now(ConnectionState),
    HandedOver,
}

//! The reconciler: drives Azure so connections go APPROVED → PENDING_PEER → ACTIVE, and provisions
//! project VPCs' provider VNets. Work is found by due time, claimed with a lease (so replicas never
//! work one connection at once), and woken at once by API writes. Every Azure step is idempotent,
//! so a crash at any point is repaired by the next attempt.

mod connection;
pub mod decide;
#[cfg(test)]
mod fixtures;
mod grants;
pub mod messages;
pub mod metrics;
mod observe;
pub mod outcome;
mod presence;
mod sweep;
mod vpcs;

use crate::domain::PeeringConnection;
use crate::store::Store;
use azure_client::{ArmClient, GraphClient};
use chrono::{DateTime, Utc};
use metrics::Metrics;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{watch, Notify};
use uuid::Uuid;

/// (customer app id, provider VNet id), lower-cased.
type GrantKey = (String, String);

/// The provider's identity and where its VNets live.
#[derive(Debug, Clone)]
pub struct ProviderIdentity {
    pub tenant_id: String,
    pub app_id: String,
    pub subscription_id: String,
    pub resource_group: String,
}

/// How long Azure may take to apply a new grant. Asked each time it is needed: next to the emulator
/// it follows the emulator's `propagationDelaySeconds`, which can change while the stack runs.
#[derive(Clone)]
pub struct PropagationGrace(Arc<dyn Fn() -> Duration + Send + Sync>);

impl PropagationGrace {
    pub fn fixed(d: Duration) -> Self {
        PropagationGrace(Arc::new(move || d))
    }
    pub fn dynamic(f: impl Fn() -> Duration + Send + Sync + 'static) -> Self {
        PropagationGrace(Arc::new(f))
    }
    pub fn get(&self) -> Duration {
        (self.0)()
    }
}

impl std::fmt::Debug for PropagationGrace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PropagationGrace({:?} now)", self.get())
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// Names this replica's leases.
    pub replica: String,
    pub lease: Duration,
    /// How often a PENDING_PEER connection is looked at (detection latency).
    pub pending_interval: Duration,
    pub active_interval: Duration,
    /// For how long after a connection is created a missing grant is taken for Azure still
    /// propagating it (and retried) rather than for a step the customer skipped.
    pub propagation_grace: PropagationGrace,
    /// Connections worked on at once by this replica.
    pub concurrency: usize,
    /// How long one read of a provider VNet's peerings serves all of its connections.
    pub observation_ttl: Duration,
    /// Test hook for crash-safety tests: abort the process (as `kill -9` would) when the named
    /// step has just been done. Never set in production.
    pub crash_at: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            replica: format!("replica-{}", Uuid::new_v4().simple()),
            lease: Duration::from_secs(30),
            pending_interval: Duration::from_secs(2),
            active_interval: Duration::from_secs(30),
            propagation_grace: PropagationGrace::fixed(Duration::from_secs(120)),
            // Enough in flight that the ARM write budget, not round trips, paces set-up.
            concurrency: 16,
            observation_ttl: Duration::from_millis(500),
            crash_at: None,
        }
    }
}

pub struct Reconciler {
    store: Store,
    arm: ArmClient,
    graph: GraphClient,
    provider: ProviderIdentity,
    settings: Settings,
    /// Woken by API writes; passed on to both loops below.
    pub wake: Arc<Notify>,
    /// Wakes the per-connection workers (a sweep handed a connection over).
    connection_wake: Arc<Notify>,
    /// Wakes the sweeper (a connection began to be watched).
    sweep_wake: Arc<Notify>,
    pub metrics: Arc<Metrics>,
    observations: observe::Observations,
    /// The id of the provider's custom peer role, once found or made.
    peer_role: tokio::sync::Mutex<Option<String>>,
    /// One grant or revoke in flight per (app, VNet): the connections of one app set up at once
    /// wait for the first instead of each making the same grant, and a revoke never interleaves
    /// with a grant of the same replica.
    granting: Mutex<HashMap<GrantKey, Arc<tokio::sync::Mutex<()>>>>,
    /// Replicas seen alive at the last heartbeat (this one included).
    replicas: std::sync::atomic::AtomicU32,
}

/// How often the connection counts (a metric) are refreshed.
const COUNT_EVERY: Duration = Duration::from_secs(5);

impl Reconciler {
    pub fn new(
        store: Store,
        arm: ArmClient,
        graph: GraphClient,
        provider: ProviderIdentity,
        settings: Settings,
        wake: Arc<Notify>,
        metrics: Arc<Metrics>,
    ) -> Self {
        metrics.watch_budget(arm.budget().clone());
        Reconciler {
            store,
            arm,
            graph,
            provider,
            settings,
            wake,
            connection_wake: Default::default(),
            sweep_wake: Default::default(),
            metrics,
            observations: Default::default(),
            peer_role: Default::default(),
            granting: Default::default(),
            replicas: std::sync::atomic::AtomicU32::new(1),
        }
    }

    /// Runs until `shutdown` turns true: VPC provisioning and the per-connection workers, the
    /// VNet sweeps, and this replica's presence (its share of the ARM budget).
    pub async fn run(self: Arc<Self>, shutdown: watch::Receiver<bool>) {
        let fan_out = {
            let me = self.clone();
            tokio::spawn(async move {
                loop {
                    me.wake.notified().await;
                    me.connection_wake.notify_one();
                    me.sweep_wake.notify_one();
                }
            })
        };
        let sweeps = tokio::spawn(self.clone().sweep_loop(self.sweep_wake.clone(), shutdown.clone()));
        let presence = tokio::spawn(self.clone().presence_loop(shutdown.clone()));
        self.clone().work_loop(shutdown).await;
        fan_out.abort();
        let _ = sweeps.await;
        let _ = presence.await;
    }

    /// Keeps up to `concurrency` connections in work: claims more as each finishes, sleeps when
    /// none is due until the next one is or a wake.
    async fn work_loop(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        let mut working = tokio::task::JoinSet::new();
        let mut counted = std::time::Instant::now() - COUNT_EVERY;
        loop {
            if *shutdown.borrow() {
                while working.join_next().await.is_some() {}
                return;
            }
            self.provision_vpcs().await;
            let free = self.settings.concurrency.saturating_sub(working.len());
            let claimed = if free > 0 { self.claim(free).await } else { Vec::new() };
            let got = !claimed.is_empty();
            for c in claimed {
                let me = self.clone();
                working.spawn(async move { me.work_on(c).await });
            }
            if counted.elapsed() >= COUNT_EVERY {
                counted = std::time::Instant::now();
                if let Ok(counts) = self.store.count_by_state().await {
                    self.metrics.set_counts(&counts);
                }
            }
            if got && working.len() < self.settings.concurrency {
                continue;
            }
            let wait = if working.is_empty() { self.idle_wait().await } else { Duration::from_secs(1) };
            tokio::select! {
                Some(_) = working.join_next(), if !working.is_empty() => {}
                _ = self.connection_wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.changed() => {}
            }
        }
    }

    async fn claim(&self, n: usize) -> Vec<PeeringConnection> {
        let lease = self.settings.lease.as_millis() as i64;
        match self.store.claim_due_batch(&self.settings.replica, Utc::now(), lease, n as i64).await {
            Ok(claimed) => claimed,
            Err(e) => {
                tracing::warn!(error = %e, "claiming work failed");
                Vec::new()
            }
        }
    }

    /// How long to sleep with nothing in work: until the next connection is due, 20 ms to 1 s.
    async fn idle_wait(&self) -> Duration {
        match self.store.next_due().await {
            Ok(Some(due)) => {
                (due - Utc::now()).to_std().unwrap_or_default().clamp(Duration::from_millis(20), Duration::from_secs(1))
            }
            _ => Duration::from_secs(1),
        }
    }

    /// One pass for tests: VPC provisioning, then the due connections (up to `concurrency`), then
    /// the due sweeps. Returns whether any connection or sweep was worked on.
    pub async fn tick(self: &Arc<Self>) -> bool {
        self.provision_vpcs().await;
        let mut tasks = tokio::task::JoinSet::new();
        for c in self.claim(self.settings.concurrency).await {
            let me = self.clone();
            tasks.spawn(async move { me.work_on(c).await });
        }
        let worked = !tasks.is_empty();
        while tasks.join_next().await.is_some() {}
        let swept = self.sweep_due().await;
        if let Ok(counts) = self.store.count_by_state().await {
            self.metrics.set_counts(&counts);
        }
        worked || swept
    }

    async fn work_on(self: Arc<Self>, c: PeeringConnection) {
        let started = std::time::Instant::now();
        let id = c.id;
        // Keep the lease while working (Azure operations can be slow); a crashed replica's lease
        // then lapses within one lease period and another replica takes over.
        let me = self.clone();
        let heartbeat = tokio::spawn(async move {
            let period = me.settings.lease / 3;
            loop {
                tokio::time::sleep(period).await;
                let until = Utc::now() + chrono::Duration::from_std(me.settings.lease).unwrap_or_default();
                if !matches!(me.store.renew(id, &me.settings.replica, until).await, Ok(true)) {
                    tracing::warn!(connection = %id, "lost the lease while working");
                    return;
                }
            }
        });
        let next = match self.reconcile(c).await {
            Ok(next) => {
                if let Err(e) = self.store.reset_failures(id).await {
                    tracing::warn!(connection = %id, error = %e, "resetting the failure count failed");
                }
                next
            }
            Err(delay) => delay,
        };
        heartbeat.abort();
        self.metrics.reconcile_seconds.observe(started.elapsed().as_secs_f64());
        if let Err(e) = self.store.release(id, &self.settings.replica, next).await {
            tracing::warn!(connection = %id, error = %e, "releasing the lease failed");
        }
    }

    /// When to look again after a transient failure: exponential in the connection's consecutive
    /// failures (counted in the store, so every replica agrees), from 1 s up to 60 s, with jitter so
    /// connections that failed together do not retry together.
    async fn backoff(&self, id: Uuid) -> DateTime<Utc> {
        let n = self.store.record_failure(id).await.unwrap_or(1);
        Utc::now() + chrono::Duration::milliseconds(backoff_ms(n, rand::random::<f64>()))
    }

    /// Aborts here if the crash-safety tests asked for it.
    fn crash_point(&self, step: &str) {
        if self.settings.crash_at.as_deref() == Some(step) {
            tracing::error!(step, "crash point reached: aborting");
            std::process::abort();
        }
    }

    fn after(&self, d: Duration) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::from_std(d).unwrap_or_default()
    }
}

/// The delay after the `n`th consecutive failure: between half and all of `2^(n-1)` seconds
/// (capped at 60 s), where in that range set by `unit` in [0, 1).
pub fn backoff_ms(n: u32, unit: f64) -> i64 {
    let full = 2u64.saturating_pow(n.saturating_sub(1).min(6)).min(60) * 1000;
    let half = full / 2;
    half as i64 + (half as f64 * unit.clamp(0.0, 1.0)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_a_minute_with_jitter() {
        assert_eq!((backoff_ms(1, 0.0), backoff_ms(1, 0.999)), (500, 999));
        assert_eq!((backoff_ms(3, 0.0), backoff_ms(3, 0.5)), (2000, 3000));
        assert_eq!((backoff_ms(7, 0.0), backoff_ms(50, 1.0)), (30_000, 60_000));
        assert_eq!(backoff_ms(0, 0.0), 500, "a count of 0 (a store that failed) still waits");
    }
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn a_dynamic_grace_is_asked_each_time() {
        let delay = Arc::new(AtomicU64::new(0));
        let source = delay.clone();
        let grace = PropagationGrace::dynamic(move || Duration::from_secs(source.load(Ordering::SeqCst) + 5));
        assert_eq!(grace.get(), Duration::from_secs(5));
        delay.store(25, Ordering::SeqCst);
        assert_eq!(grace.get(), Duration::from_secs(30), "a knob changed while running is seen at once");
        assert_eq!(PropagationGrace::fixed(Duration::from_secs(120)).get(), Duration::from_secs(120));
    }
}

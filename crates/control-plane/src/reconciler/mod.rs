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
            concurrency: 8,
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
    pub wake: Arc<Notify>,
    pub metrics: Arc<Metrics>,
    observations: observe::Observations,
    /// The id of the provider's custom peer role, once found or made.
    peer_role: tokio::sync::Mutex<Option<String>>,
    /// (customer app, provider VNet) pairs this replica granted recently, so the connections of one
    /// app spend the ARM write budget on peerings, not on repeating the same grant. Entries expire
    /// (`GRANT_MEMORY`) because another replica may revoke a grant.
    granted: Mutex<HashMap<GrantKey, std::time::Instant>>,
    /// One grant in flight per (app, VNet): the connections of one app set up at once wait for the
    /// first instead of each making the same grant.
    granting: Mutex<HashMap<GrantKey, Arc<tokio::sync::Mutex<()>>>>,
}

/// How long a grant this replica made is trusted without asking Azure again.
const GRANT_MEMORY: Duration = Duration::from_secs(60);

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
        Reconciler {
            store,
            arm,
            graph,
            provider,
            settings,
            wake,
            metrics,
            observations: Default::default(),
            peer_role: Default::default(),
            granted: Default::default(),
            granting: Default::default(),
        }
    }

    /// Runs until `shutdown` turns true.
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                return;
            }
            let worked = self.tick().await;
            if worked {
                continue;
            }
            let wait = match self.store.next_due().await {
                Ok(Some(due)) => (due - Utc::now())
                    .to_std()
                    .unwrap_or_default()
                    .clamp(Duration::from_millis(20), Duration::from_secs(1)),
                _ => Duration::from_secs(1),
            };
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    /// One pass: VPC provisioning, then up to `concurrency` due connections at once. Returns whether
    /// any connection was worked on (so the caller loops again without sleeping).
    pub async fn tick(self: &Arc<Self>) -> bool {
        self.provision_vpcs().await;
        let mut tasks = tokio::task::JoinSet::new();
        let lease = self.settings.lease.as_millis() as i64;
        match self
            .store
            .claim_due_batch(&self.settings.replica, Utc::now(), lease, self.settings.concurrency as i64)
            .await
        {
            Ok(claimed) => {
                for c in claimed {
                    let me = self.clone();
                    tasks.spawn(async move { me.work_on(c).await });
                }
            }
            Err(e) => tracing::warn!(error = %e, "claiming work failed"),
        }
        let worked = !tasks.is_empty();
        while tasks.join_next().await.is_some() {}
        if let Ok(counts) = self.store.count_by_state().await {
            self.metrics.set_counts(&counts);
        }
        worked
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

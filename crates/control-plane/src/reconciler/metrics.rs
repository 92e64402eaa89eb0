//! Prometheus metrics: connections by state, reconcile and detection latency, Azure calls by
//! outcome.

use crate::domain::ConnectionState;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::Mutex;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StateLabel {
    pub state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CallLabel {
    pub operation: String,
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabel {
    pub kind: String,
}

pub struct Metrics {
    registry: Mutex<Registry>,
    /// The ARM client's budget, read at each render.
    budget: Mutex<Option<std::sync::Arc<azure_client::RequestBudget>>>,
    arm_requests: Family<KindLabel, Gauge>,
    arm_throttled: Gauge,
    arm_waits: Gauge,
    arm_share: Gauge<f64, std::sync::atomic::AtomicU64>,
    pub connections: Family<StateLabel, Gauge>,
    pub reconcile_seconds: Histogram,
    pub detection_seconds: Histogram,
    pub azure_calls: Family<CallLabel, Counter>,
    pub sweeps: Counter,
    /// One sweep from its claim to its release, by kind: `asked` (a refresh), `vnet`, `subscription`
    /// (a gathered round: the subscription's list and every VPC it served).
    pub sweep_seconds: Family<KindLabel, Histogram, fn() -> Histogram>,
    pub refresh_seconds: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let connections = Family::<StateLabel, Gauge>::default();
        let reconcile_seconds = Histogram::new(exponential_buckets(0.001, 2.0, 16));
        let detection_seconds = Histogram::new(exponential_buckets(0.01, 2.0, 16));
        let azure_calls = Family::<CallLabel, Counter>::default();
        let sweeps = Counter::default();
        let sweep_seconds = Family::<KindLabel, Histogram, fn() -> Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.005, 2.0, 14))
        });
        let refresh_seconds = Histogram::new(exponential_buckets(0.005, 2.0, 14));
        let arm_requests = Family::<KindLabel, Gauge>::default();
        let (arm_throttled, arm_waits) = (Gauge::default(), Gauge::default());
        let arm_share = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        registry.register(
            "isthmus_arm_budget_share",
            "This replica's share of the provider subscription's ARM budget (1/replicas alive)",
            arm_share.clone(),
        );
        registry.register(
            "isthmus_arm_requests",
            "HTTP attempts sent to ARM, by kind (polls, pages, retries included)",
            arm_requests.clone(),
        );
        registry.register("isthmus_arm_throttled", "429 answers received from ARM", arm_throttled.clone());
        registry.register(
            "isthmus_arm_budget_waits",
            "ARM attempts that waited for the request budget",
            arm_waits.clone(),
        );
        registry.register("isthmus_connections", "Peering connections by state", connections.clone());
        registry.register("isthmus_reconcile_seconds", "Time to reconcile one connection", reconcile_seconds.clone());
        registry.register(
            "isthmus_detection_seconds",
            "Time from the last observation without the customer's peering to the one that saw it Connected",
            detection_seconds.clone(),
        );
        registry.register("isthmus_azure_calls", "Azure calls made by the reconciler, by outcome", azure_calls.clone());
        registry.register(
            "isthmus_sweeps",
            "Provider VNets observed (one read each, for all their connections)",
            sweeps.clone(),
        );
        registry.register(
            "isthmus_sweep_seconds",
            "One sweep from its claim to its release, by kind",
            sweep_seconds.clone(),
        );
        registry.register(
            "isthmus_refresh_seconds",
            "From a refresh request (POST …/refresh) to the end of the sweep that honoured it",
            refresh_seconds.clone(),
        );
        Metrics {
            registry: Mutex::new(registry),
            budget: Mutex::new(None),
            arm_requests,
            arm_throttled,
            arm_waits,
            arm_share,
            connections,
            reconcile_seconds,
            detection_seconds,
            azure_calls,
            sweeps,
            sweep_seconds,
            refresh_seconds,
        }
    }
}

impl Metrics {
    pub fn sweep_took(&self, kind: &str, started: std::time::Instant) {
        self.sweep_seconds.get_or_create(&KindLabel { kind: kind.into() }).observe(started.elapsed().as_secs_f64());
    }

    pub fn azure_call(&self, operation: &str, outcome: &str) {
        self.azure_calls.get_or_create(&CallLabel { operation: operation.into(), outcome: outcome.into() }).inc();
    }

    pub fn set_counts(&self, counts: &[(ConnectionState, i64)]) {
        for s in ConnectionState::ALL {
            let n = counts.iter().find(|(c, _)| *c == s).map(|(_, n)| *n).unwrap_or(0);
            self.connections.get_or_create(&StateLabel { state: s.as_str().into() }).set(n);
        }
    }

    /// Shows this ARM budget's counters in every render.
    pub fn watch_budget(&self, budget: std::sync::Arc<azure_client::RequestBudget>) {
        *self.budget.lock().expect("metrics") = Some(budget);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        if let Some(b) = self.budget.lock().expect("metrics").as_ref() {
            let stats = b.stats();
            let gauge = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
            for (kind, n) in [("reads", stats.reads), ("writes", stats.writes), ("deletes", stats.deletes)] {
                self.arm_requests.get_or_create(&KindLabel { kind: kind.into() }).set(gauge(n));
            }
            self.arm_throttled.set(gauge(stats.throttled));
            self.arm_waits.set(gauge(stats.waits));
            self.arm_share.set(b.share());
        }
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry.lock().expect("metrics"))
            .expect("writing to a String");
        out
    }
}

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

pub struct Metrics {
    registry: Mutex<Registry>,
    pub connections: Family<StateLabel, Gauge>,
    pub reconcile_seconds: Histogram,
    pub detection_seconds: Histogram,
    pub azure_calls: Family<CallLabel, Counter>,
    pub sweeps: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let connections = Family::<StateLabel, Gauge>::default();
        let reconcile_seconds = Histogram::new(exponential_buckets(0.001, 2.0, 16));
        let detection_seconds = Histogram::new(exponential_buckets(0.01, 2.0, 16));
        let azure_calls = Family::<CallLabel, Counter>::default();
        let sweeps = Counter::default();
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
        Metrics {
            registry: Mutex::new(registry),
            connections,
            reconcile_seconds,
            detection_seconds,
            azure_calls,
            sweeps,
        }
    }
}

impl Metrics {
    pub fn azure_call(&self, operation: &str, outcome: &str) {
        self.azure_calls.get_or_create(&CallLabel { operation: operation.into(), outcome: outcome.into() }).inc();
    }

    pub fn set_counts(&self, counts: &[(ConnectionState, i64)]) {
        for s in ConnectionState::ALL {
            let n = counts.iter().find(|(c, _)| *c == s).map(|(_, n)| *n).unwrap_or(0);
            self.connections.get_or_create(&StateLabel { state: s.as_str().into() }).set(n);
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry.lock().expect("metrics"))
            .expect("writing to a String");
        out
    }
}

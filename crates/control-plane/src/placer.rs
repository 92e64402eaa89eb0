//! The service placer: asks the compute backend to run each service (`REBUILDING` → `RUNNING`),
//! checks running ones each pass (a server that died is started again; one that cannot be goes
//! back to `REBUILDING` with the reason as a notification), and removes terminated ones before
//! their rows go. After a restart, the first pass starts every service's server again.

use crate::compute::{ComputeBackend, Placement};
use crate::domain::{Service, ServiceState, VpcState};
use crate::store::Store;
use chrono::Utc;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// How often services are looked at without a wake-up.
const TICK: Duration = Duration::from_secs(1);

pub struct ServicePlacer {
    store: Store,
    backend: Arc<dyn ComputeBackend>,
    pub wake: Arc<Notify>,
    /// Passes completed; after the first, every service that should run has been started (a
    /// `RUNNING` read from the store before that may be a server that a restart stopped).
    passes: watch::Sender<u64>,
}

impl ServicePlacer {
    pub fn new(store: Store, backend: Arc<dyn ComputeBackend>) -> Self {
        ServicePlacer { store, backend, wake: Arc::new(Notify::new()), passes: watch::channel(0).0 }
    }

    pub fn passes(&self) -> watch::Receiver<u64> {
        self.passes.subscribe()
    }

    pub async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            self.clone().pass().await;
            self.passes.send_modify(|n| *n += 1);
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(TICK) => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// One look at every service; services are worked on at once, so a slow first placement does
    /// not hold up a termination.
    async fn pass(self: Arc<Self>) {
        let services = match self.store.all_services().await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "listing services failed; retrying");
                return;
            }
        };
        let mut work = tokio::task::JoinSet::new();
        for service in services {
            let me = self.clone();
            work.spawn(async move { me.reconcile(service).await });
        }
        while work.join_next().await.is_some() {}
    }

    async fn reconcile(&self, service: Service) {
        let vpc = match self.store.vpc_by_id(service.vpc_id).await {
            Ok(v) => v,
            Err(e) => return tracing::warn!(service = %service.name, error = %e, "reading the service's VPC failed"),
        };
        let Some(provider_vnet_id) = vpc.provider_vnet_id.clone().filter(|_| vpc.state == VpcState::Active) else {
            return; // placed once the VPC's VNet exists
        };
        let placement = Placement {
            service_id: service.id,
            service_name: service.name.clone(),
            project: service.project.clone(),
            provider_vnet_id,
            region: vpc.region().to_string(),
            admin_password: service.admin_password.clone(),
        };
        if service.deleting {
            match self.backend.remove(&placement).await {
                Ok(()) => {
                    if let Err(e) = self.store.remove_service(service.id).await {
                        tracing::warn!(service = %service.name, error = %e, "forgetting a terminated service failed");
                    } else {
                        tracing::info!(service = %service.name, project = %service.project, "service terminated");
                    }
                }
                Err(e) => {
                    tracing::warn!(service = %service.name, error = %e, "removing a service's server failed; retrying")
                }
            }
            return;
        }
        let outcome = self.backend.ensure(&placement).await;
        let result = match outcome {
            Ok(ep) => {
                let moved = service.state != ServiceState::Running
                    || service.host.as_deref() != Some(ep.host.as_str())
                    || service.port != Some(ep.port)
                    || service.placement_error.is_some();
                if !moved {
                    return;
                }
                tracing::info!(service = %service.name, host = %ep.host, "service running");
                self.store
                    .set_service_placed(service.id, ServiceState::Running, Some((&ep.host, ep.port)), None, Utc::now())
                    .await
            }
            Err(e) => {
                tracing::warn!(service = %service.name, error = %e, "placing a service failed; retrying");
                if service.state == ServiceState::Rebuilding && service.placement_error.as_deref() == Some(&e.0) {
                    return;
                }
                self.store.set_service_placed(service.id, ServiceState::Rebuilding, None, Some(&e.0), Utc::now()).await
            }
        };
        if let Err(e) = result {
            tracing::warn!(service = %service.name, error = %e, "recording a service's state failed");
        }
    }
}

//! The demo world's service: `tsdb`, a PostgreSQL service in the demo project VPC, created once
//! through the same rules as `avn service create` and found again after a restart.

use crate::demo_world::{DemoWorld, ServiceInfo, DEMO_SERVICE};
use anyhow::{bail, Context};
use control_plane::api::render_service;
use control_plane::domain::{ServiceState, VpcState};
use control_plane::store::Store;
use control_plane::ControlPlaneError;
use control_plane_api::ServiceCreateIn;
use std::time::{Duration, Instant};

/// How long the VPC's VNet and the service's first start may take together.
const READY_TIMEOUT: Duration = Duration::from_secs(45);

/// Creates `tsdb` if the project has none (once its VPC is ACTIVE) and waits until it runs.
/// `passes` counts the placer's passes: only after the first is a stored `RUNNING` true again
/// after a restart.
pub async fn ensure(
    store: &Store,
    world: &DemoWorld,
    mut passes: tokio::sync::watch::Receiver<u64>,
) -> anyhow::Result<ServiceInfo> {
    let project = &world.project.name;
    let vpc_id = control_plane::app::vpc_id(&world.project.vpc_id)?;
    let deadline = Instant::now() + READY_TIMEOUT;
    tokio::time::timeout(READY_TIMEOUT, passes.wait_for(|n| *n >= 1))
        .await
        .context("the service placer made no pass")?
        .context("the service placer stopped")?;
    loop {
        let service = match store.get_service(project, DEMO_SERVICE).await {
            Ok(s) => Some(s),
            Err(ControlPlaneError::ServiceNotFound(_)) => None,
            Err(e) => return Err(e.into()),
        };
        match service {
            Some(s) if s.state == ServiceState::Running => {
                let (host, port) = s.host.as_deref().zip(s.port).context("a running service without an address")?;
                return Ok(ServiceInfo { name: s.name.clone(), uri: render_service::uri(&s, host, port) });
            }
            Some(_) => {}
            None if store.get_vpc(project, vpc_id).await?.state == VpcState::Active => {
                let req = ServiceCreateIn {
                    service_name: DEMO_SERVICE.into(),
                    service_type: "pg".into(),
                    plan: "hobbyist".into(),
                    cloud: Some(world.project.cloud_name.clone()),
                    project_vpc_id: Some(Some(world.project.vpc_id.clone())),
                    ..Default::default()
                };
                control_plane::app::services::create(store, true, project, req).await?;
            }
            None => {}
        }
        if Instant::now() > deadline {
            let why = store.get_service(project, DEMO_SERVICE).await.ok().and_then(|s| s.placement_error);
            bail!(
                "service {DEMO_SERVICE} did not start within {} s{}",
                READY_TIMEOUT.as_secs(),
                why.map(|w| format!(": {w}")).unwrap_or_default()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Without a compute backend in this run (the data plane is off), no server answers for the
/// services a previous run placed: they show `REBUILDING` with the reason until a run with the
/// data plane starts them again.
pub async fn mark_unplaced(store: &Store) -> anyhow::Result<()> {
    let why = "no server runs in this run of isthmus up: services run on the data plane's hosts, which are off; \
               start isthmus up with the data plane (as root, or where unprivileged user namespaces are allowed)";
    for s in store.all_services().await? {
        if !s.deleting && (s.state == ServiceState::Running || s.placement_error.as_deref() != Some(why)) {
            store.set_service_placed(s.id, ServiceState::Rebuilding, None, Some(why), chrono::Utc::now()).await?;
        }
    }
    Ok(())
}

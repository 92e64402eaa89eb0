//! The whole system on one machine, in one process: the Azure emulator, the control plane's store,
//! API and reconciler, wired to each other over loopback HTTP(S) as separate deployments would be.
//! Used by `isthmus up` and `isthmus demo`.

use crate::demo_world::DemoWorld;
use anyhow::Context;
use axum::routing::get;
use azure_client::{ArmClient, ClientSecretCredential, Endpoints, GraphClient};
use azure_emulator::{Emulator, EmulatorConfig};
use control_plane::api::{self, ApiState};
use control_plane::reconciler::metrics::Metrics;
use control_plane::reconciler::{PropagationGrace, ProviderIdentity, Reconciler, Settings};
use control_plane::store::Store;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

pub struct StackConfig {
    pub data_dir: PathBuf,
    pub azure_listen: SocketAddr,
    pub api_listen: SocketAddr,
    pub data_plane: azure_emulator::DataPlaneMode,
}

pub struct Stack {
    pub world: DemoWorld,
    pub azure_url: String,
    pub api_url: String,
    pub env_file: PathBuf,
    pub world_file: PathBuf,
    pub ca_file: PathBuf,
    emulator: Emulator,
    _lock: crate::data_dir_lock::DataDirLock,
    stop: watch::Sender<bool>,
    api: tokio::task::JoinHandle<()>,
    reconciler: tokio::task::JoinHandle<()>,
}

impl Stack {
    /// Starts everything; on first start generates the demo world, the project, its token and its
    /// VPC, and on later starts reuses them (state in `data_dir` survives restarts).
    pub async fn start(cfg: StackConfig) -> anyhow::Result<Stack> {
        std::fs::create_dir_all(&cfg.data_dir).with_context(|| format!("creating {}", cfg.data_dir.display()))?;
        let lock = crate::data_dir_lock::acquire(&cfg.data_dir)?;
        let world_file = cfg.data_dir.join("world.json");
        let mut world = match DemoWorld::load(&world_file)? {
            Some(w) => w,
            None => {
                let w = DemoWorld::generate();
                w.save(&world_file)?;
                w
            }
        };
        let emulator = azure_emulator::start(EmulatorConfig {
            data_dir: Some(cfg.data_dir.join("azure")),
            listen: cfg.azure_listen,
            world: Some(world.emulator_world()?),
            public_urls: vec![],
            data_plane: cfg.data_plane,
        })
        .await
        .context("starting the Azure emulator")?;

        let store =
            Store::connect(&Store::sqlite_url(&cfg.data_dir)).await.context("opening the control-plane database")?;
        ensure_project(&store, &mut world).await?;
        world.save(&world_file)?;

        let wake = Arc::new(Notify::new());
        let metrics = Arc::new(Metrics::default());
        let reconciler = reconciler(&world, &emulator, store.clone(), wake.clone(), metrics.clone())?;
        let (stop, stopped) = watch::channel(false);
        let reconciler = tokio::spawn(Arc::new(reconciler).run(stopped.clone()));

        let app = api::router(ApiState { store, wake, services: None })
            .route("/healthz", get(|| async { "ok" }))
            .route("/metrics", get(move || async move { metrics.render() }));
        let listener = tokio::net::TcpListener::bind(cfg.api_listen)
            .await
            .with_context(|| format!("listening on {}", cfg.api_listen))?;
        let api_url = format!("http://{}", listener.local_addr()?);
        let mut stopped_api = stopped;
        let api = tokio::spawn(async move {
            let service = tower::ServiceExt::map_request(app, api::normalize_path);
            let shutdown = async move {
                let _ = stopped_api.wait_for(|s| *s).await;
            };
            if let Err(e) = axum::serve(listener, axum::ServiceExt::into_make_service(service))
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::error!(error = %e, "the API server failed");
            }
        });

        let env_file = cfg.data_dir.join("env.sh");
        let azure_env = std::fs::read_to_string(&emulator.env_file).context("reading the emulator's env.sh")?;
        // env.sh holds the project's API token: readable by its owner only.
        azure_emulator::persistence::write_private_file(
            &env_file,
            env_script(&azure_env, &api_url, &world, &emulator.ca_file).as_bytes(),
        )
        .map_err(|e| anyhow::anyhow!("writing env.sh: {e}"))?;
        Ok(Stack {
            azure_url: emulator.url.clone(),
            ca_file: emulator.ca_file.clone(),
            api_url,
            env_file,
            world_file,
            world,
            emulator,
            _lock: lock,
            stop,
            api,
            reconciler,
        })
    }

    /// Whether the emulator's VNets and hosts (`customer-vm`) are real namespaces.
    pub fn data_plane_running(&self) -> bool {
        self.emulator.data_plane_running()
    }

    /// Stops the API and the reconciler, then the emulator.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.api.await;
        let _ = self.reconciler.await;
        self.emulator.shutdown().await;
    }
}

/// The project, its member's token and its VPC, made once and found again after a restart.
async fn ensure_project(store: &Store, world: &mut DemoWorld) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let p = &mut world.project;
    store.ensure_project(&p.name, now).await?;
    let user = store.ensure_user(&p.user, None, now).await?;
    store.add_member(&p.name, &user).await?;
    if p.token.is_empty() || store.authenticate(&p.token).await.is_err() {
        p.token = store.create_token(&user, "isthmus up", now).await?;
    }
    let vpcs = store.list_vpcs(&p.name).await?;
    let existing = vpcs.iter().find(|v| v.id.to_string() == p.vpc_id).or_else(|| vpcs.first());
    p.vpc_id = match existing {
        Some(v) => v.id.to_string(),
        None => store.create_vpc(&p.name, &p.cloud_name, p.network_cidr.parse()?, now).await?.id.to_string(),
    };
    Ok(())
}

fn reconciler(
    world: &DemoWorld,
    emulator: &Emulator,
    store: Store,
    wake: Arc<Notify>,
    metrics: Arc<Metrics>,
) -> anyhow::Result<Reconciler> {
    let ca = std::fs::read(&emulator.ca_file).context("reading the emulator's CA")?;
    let endpoints = Endpoints::emulator(emulator.url.parse()?, ca);
    let p = &world.provider;
    let credential = Arc::new(ClientSecretCredential::new(&endpoints, p.app_id.clone(), p.app_secret.clone())?);
    let provider = ProviderIdentity {
        tenant_id: p.tenant_id.clone(),
        app_id: p.app_id.clone(),
        subscription_id: p.subscription_id.clone(),
        resource_group: p.resource_group.clone(),
    };
    // A grant counts as missing only once the emulator's own propagation delay (its
    // `propagationDelaySeconds` knob, read live) and 5 s more have passed; a short pending interval
    // makes ACTIVE follow the customer's peering within a second.
    let knobs_of = emulator.knobs_reader();
    let settings = Settings {
        propagation_grace: PropagationGrace::dynamic(move || {
            Duration::from_secs(knobs_of().propagation_delay_seconds.saturating_add(5))
        }),
        pending_interval: Duration::from_millis(500),
        active_interval: Duration::from_secs(5),
        ..Settings::default()
    };
    Ok(Reconciler::new(
        store,
        ArmClient::new(&endpoints, credential.clone())?,
        GraphClient::new(&endpoints, credential)?,
        provider,
        settings,
        wake,
        metrics,
    ))
}

/// The emulator's exports for `az`, plus `avn`'s and isthmus' own.
fn env_script(azure_env: &str, api_url: &str, world: &DemoWorld, ca: &Path) -> String {
    format!(
        "{azure_env}# The control plane, for avn and isthmus vpc\n\
         export AIVEN_WEB_URL='{api_url}'\n\
         export AIVEN_AUTH_TOKEN='{}'\n\
         export AIVEN_PROJECT='{}'\n\
         export ISTHMUS_AZURE_CA='{}'\n\
         export ISTHMUS_PROVIDER_APP_ID='{}'\n",
        world.project.token,
        world.project.name,
        ca.display(),
        world.provider.app_id
    )
}

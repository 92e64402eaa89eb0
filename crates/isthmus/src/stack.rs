//! The whole system on one machine, in one process: the Azure emulator, the control plane's store,
//! API and reconciler, wired to each other over loopback HTTP(S) as separate deployments would be.
//! Used by `isthmus up` and `isthmus demo`.

use crate::compute::{ComputeConfig, PostgresBackend};
use crate::demo_world::DemoWorld;
use anyhow::Context;
use axum::routing::get;
use azure_client::{ArmClient, ClientSecretCredential, Endpoints, GraphClient};
use azure_emulator::{Emulator, EmulatorConfig};
use control_plane::api::{self, ApiState};
use control_plane::placer::ServicePlacer;
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
    services: Option<Services>,
}

/// Services run where the data plane does: the backend and the loop that drives it.
struct Services {
    backend: Arc<PostgresBackend>,
    placer: tokio::task::JoinHandle<()>,
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
        let provider = ProviderAzure::new(&world, &emulator)?;
        let reconciler = reconciler(&world, &emulator, &provider, store.clone(), wake.clone(), metrics.clone())?;
        let (stop, stopped) = watch::channel(false);
        let reconciler = tokio::spawn(Arc::new(reconciler).run(stopped.clone()));
        let (services, services_wake, passes) = match compute_backend(&cfg, &world, &emulator, &provider)? {
            Some(backend) => {
                let placer = Arc::new(ServicePlacer::new(store.clone(), backend.clone()));
                let (wake, passes) = (placer.wake.clone(), placer.passes());
                let running = Services { backend, placer: tokio::spawn(placer.run(stopped.clone())) };
                (Some(running), Some(wake), Some(passes))
            }
            None => {
                crate::demo_service::mark_unplaced(&store).await?;
                (None, None, None)
            }
        };
        if let Some(passes) = passes {
            match crate::demo_service::ensure(&store, &world, passes).await {
                Ok(info) => world.service = Some(info),
                Err(e) => eprintln!("services: the demo service did not start: {e:#}"),
            }
            world.save(&world_file)?;
        }

        let app = api::router(ApiState::new(store, wake, services_wake))
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
            services,
        })
    }

    /// Whether the emulator's VNets and hosts (`customer-vm`) are real namespaces.
    pub fn data_plane_running(&self) -> bool {
        self.emulator.data_plane_running()
    }

    /// Runs `program` on the host of the NIC with this ARM id (data plane only).
    pub fn host_command(&self, nic_id: &str, program: &str) -> Option<std::process::Command> {
        self.emulator.host_runner().map(|h| h.command(nic_id, program))
    }

    /// Stops the API, the reconciler and the placer, then the services' servers (their data
    /// stays), then the emulator.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.api.await;
        let _ = self.reconciler.await;
        if let Some(s) = self.services {
            let _ = s.placer.await;
            s.backend.shutdown().await;
        }
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

/// The provider app's way into the emulator, shared by the reconciler and the compute backend
/// (one token cache, one ARM request budget).
struct ProviderAzure {
    endpoints: Endpoints,
    credential: Arc<ClientSecretCredential>,
    arm: ArmClient,
}

impl ProviderAzure {
    fn new(world: &DemoWorld, emulator: &Emulator) -> anyhow::Result<ProviderAzure> {
        let ca = std::fs::read(&emulator.ca_file).context("reading the emulator's CA")?;
        let endpoints = Endpoints::emulator(emulator.url.parse()?, ca);
        let p = &world.provider;
        let credential = Arc::new(ClientSecretCredential::new(&endpoints, p.app_id.clone(), p.app_secret.clone())?);
        let arm = ArmClient::new(&endpoints, credential.clone())?;
        Ok(ProviderAzure { endpoints, credential, arm })
    }

    /// A handle on the shared client (clones share its budget).
    fn arm(&self) -> ArmClient {
        self.arm.clone()
    }
}

fn reconciler(
    world: &DemoWorld,
    emulator: &Emulator,
    azure: &ProviderAzure,
    store: Store,
    wake: Arc<Notify>,
    metrics: Arc<Metrics>,
) -> anyhow::Result<Reconciler> {
    let provider = provider_identity(world);
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
        azure.arm(),
        GraphClient::new(&azure.endpoints, azure.credential.clone())?,
        provider,
        settings,
        wake,
        metrics,
    ))
}

/// The compute backend, where services can run: with the data plane (a host per service) and
/// PostgreSQL installed. Where not, one line says why, and creating a service answers 409.
fn compute_backend(
    cfg: &StackConfig,
    world: &DemoWorld,
    emulator: &Emulator,
    azure: &ProviderAzure,
) -> anyhow::Result<Option<Arc<PostgresBackend>>> {
    let Some(hosts) = emulator.host_runner() else {
        if cfg.data_plane != azure_emulator::DataPlaneMode::Off {
            eprintln!("services: off (they run on the data plane's hosts, and it is not running)");
        }
        return Ok(None);
    };
    let config = ComputeConfig {
        services_dir: cfg.data_dir.join("services"),
        arm: Arc::new(azure.arm()),
        provider: provider_identity(world),
        hosts,
        certificates: emulator.certificates(),
    };
    match PostgresBackend::new(config) {
        Ok(b) => Ok(Some(Arc::new(b))),
        Err(e) => {
            eprintln!("services: off ({e})");
            Ok(None)
        }
    }
}

fn provider_identity(world: &DemoWorld) -> ProviderIdentity {
    let p = &world.provider;
    ProviderIdentity {
        tenant_id: p.tenant_id.clone(),
        app_id: p.app_id.clone(),
        subscription_id: p.subscription_id.clone(),
        resource_group: p.resource_group.clone(),
    }
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

//! `isthmus serve`: the control plane's API and, given a provider identity, its reconciler.

use anyhow::Context;
use axum::routing::get;
use azure_client::{ArmClient, ClientSecretCredential, Endpoints, GraphClient};
use control_plane::api::{self, ApiState};
use control_plane::reconciler::metrics::Metrics;
use control_plane::reconciler::{PropagationGrace, ProviderIdentity, Reconciler, Settings};
use control_plane::store::Store;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    /// Address for the Aiven-compatible API (loopback unless you say otherwise).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    #[command(flatten)]
    db: DatabaseArgs,
    #[command(flatten)]
    azure: AzureArgs,
}

#[derive(clap::Args)]
pub struct DatabaseArgs {
    /// `postgres://…` for PostgreSQL (several replicas), or `sqlite://…`. Default: SQLite in --data-dir.
    #[arg(long, env = "ISTHMUS_DATABASE_URL")]
    database_url: Option<String>,
    /// Where the default SQLite database lives.
    #[arg(long, default_value = ".isthmus")]
    data_dir: PathBuf,
}

impl DatabaseArgs {
    pub async fn open(&self) -> anyhow::Result<Store> {
        let url = match &self.database_url {
            Some(u) => u.clone(),
            None => {
                std::fs::create_dir_all(&self.data_dir)
                    .with_context(|| format!("creating {}", self.data_dir.display()))?;
                Store::sqlite_url(&self.data_dir)
            }
        };
        Store::connect(&url).await.context("opening the control-plane database")
    }
}

#[derive(clap::Args)]
pub struct AzureArgs {
    /// The emulator's URL (`https://127.0.0.1:8443`); without it, real Azure.
    #[arg(long, env = "ISTHMUS_AZURE_URL")]
    azure_url: Option<url::Url>,
    /// The CA certificate the emulator's URL is served with (its data dir's `ca.pem`).
    #[arg(long, env = "ISTHMUS_AZURE_CA")]
    azure_ca: Option<PathBuf>,
    /// The provider tenant (where the provider app and its VNets live).
    #[arg(long, env = "ISTHMUS_PROVIDER_TENANT_ID")]
    provider_tenant_id: Option<String>,
    /// The provider's multi-tenant application (client) id.
    #[arg(long, env = "ISTHMUS_PROVIDER_APP_ID")]
    provider_app_id: Option<String>,
    /// The provider application's client secret (prefer the environment variable).
    #[arg(long, env = "ISTHMUS_PROVIDER_SECRET", hide_env_values = true)]
    provider_secret: Option<String>,
    #[arg(long, env = "ISTHMUS_PROVIDER_SUBSCRIPTION_ID")]
    provider_subscription_id: Option<String>,
    #[arg(long, env = "ISTHMUS_PROVIDER_RESOURCE_GROUP")]
    provider_resource_group: Option<String>,
    /// How long a missing customer grant is taken for Azure still propagating it.
    #[arg(long, default_value_t = 120)]
    propagation_grace_seconds: u64,
    /// How often a PENDING_PEER connection is checked, in milliseconds.
    #[arg(long, default_value_t = 2000)]
    pending_interval_ms: u64,
    /// How often an ACTIVE connection is checked (how soon a removed customer side is noticed).
    #[arg(long, default_value_t = 30000)]
    active_interval_ms: u64,
    /// How long a claimed connection stays leased without renewal: a crashed replica's work is
    /// taken over by another after at most this long.
    #[arg(long, default_value_t = 30)]
    lease_seconds: u64,
    /// This replica's name in leases (default: random).
    #[arg(long)]
    replica: Option<String>,
}

impl AzureArgs {
    /// The reconciler, if a provider identity was given.
    fn reconciler(
        &self,
        store: Store,
        wake: Arc<tokio::sync::Notify>,
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<Option<Reconciler>> {
        let (Some(tenant), Some(app), Some(secret), Some(sub), Some(rg)) = (
            &self.provider_tenant_id,
            &self.provider_app_id,
            &self.provider_secret,
            &self.provider_subscription_id,
            &self.provider_resource_group,
        ) else {
            return Ok(None);
        };
        let endpoints = match &self.azure_url {
            Some(u) => {
                let ca_path =
                    self.azure_ca.as_ref().context("--azure-ca is needed with --azure-url (the emulator's ca.pem)")?;
                let ca = std::fs::read(ca_path).with_context(|| format!("reading {}", ca_path.display()))?;
                Endpoints::emulator(u.clone(), ca)
            }
            None => Endpoints::public_cloud(),
        };
        let credential = Arc::new(ClientSecretCredential::new(&endpoints, app.clone(), secret.clone())?);
        let arm = ArmClient::new(&endpoints, credential.clone())?;
        let graph = GraphClient::new(&endpoints, credential)?;
        let provider = ProviderIdentity {
            tenant_id: tenant.clone(),
            app_id: app.clone(),
            subscription_id: sub.clone(),
            resource_group: rg.clone(),
        };
        let mut settings = Settings {
            propagation_grace: PropagationGrace::fixed(Duration::from_secs(self.propagation_grace_seconds)),
            pending_interval: Duration::from_millis(self.pending_interval_ms),
            active_interval: Duration::from_millis(self.active_interval_ms),
            lease: Duration::from_secs(self.lease_seconds.max(1)),
            ..Settings::default()
        };
        if let Some(r) = &self.replica {
            settings.replica = r.clone();
        }
        // Crash-safety tests only: abort right after the named reconciler step.
        settings.crash_at = std::env::var("ISTHMUS_CRASH_AT").ok().filter(|s| !s.is_empty());
        Ok(Some(Reconciler::new(store, arm, graph, provider, settings, wake, metrics)))
    }
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let store = args.db.open().await?;
    let wake = Arc::new(tokio::sync::Notify::new());
    let metrics = Arc::new(Metrics::default());
    let reconciler = args.azure.reconciler(store.clone(), wake.clone(), metrics.clone())?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let reconciling = match reconciler {
        Some(r) => Some(tokio::spawn(Arc::new(r).run(stopped))),
        None => {
            tracing::warn!("no provider identity given: serving the API only, connections will stay APPROVED");
            None
        }
    };
    let state = ApiState::new(store, wake, None);
    let app = api::router(state)
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(move || async move { metrics.render() }));
    let listener =
        tokio::net::TcpListener::bind(args.listen).await.with_context(|| format!("listening on {}", args.listen))?;
    let addr = listener.local_addr()?;
    // a closed stdout must not take the server down
    let _ = writeln!(
        std::io::stdout(),
        "ready http://{addr}{}",
        if reconciling.is_some() { " reconciler=on" } else { " reconciler=off" }
    );
    let service = tower::ServiceExt::map_request(app, api::normalize_path);
    axum::serve(listener, axum::ServiceExt::into_make_service(service))
        .with_graceful_shutdown(super::signals::terminated())
        .await
        .context("serving the API")?;
    let _ = stop.send(true);
    if let Some(task) = reconciling {
        let _ = task.await;
    }
    Ok(())
}

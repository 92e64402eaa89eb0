//! `isthmus serve`: the control plane's API (and, with a provider identity, its reconciler).

use anyhow::Context;
use axum::routing::get;
use control_plane::api::{self, ApiState};
use control_plane::store::Store;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(clap::Args)]
pub struct Args {
    /// Address for the Aiven-compatible API (loopback unless you say otherwise).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    #[command(flatten)]
    db: DatabaseArgs,
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

pub async fn run(args: Args) -> anyhow::Result<()> {
    let store = args.db.open().await?;
    let state = ApiState { store, wake: Arc::new(tokio::sync::Notify::new()) };
    let app = api::router(state).route("/healthz", get(|| async { "ok" }));
    let listener =
        tokio::net::TcpListener::bind(args.listen).await.with_context(|| format!("listening on {}", args.listen))?;
    let addr = listener.local_addr()?;
    println!("ready http://{addr}");
    let service = tower::ServiceExt::map_request(app, api::normalize_path);
    axum::serve(listener, axum::ServiceExt::into_make_service(service))
        .with_graceful_shutdown(super::signals::terminated())
        .await
        .context("serving the API")?;
    Ok(())
}

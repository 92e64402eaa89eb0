//! `isthmus service-host` (hidden): drives the compute backend against a running emulator, for
//! its end-to-end test. The backend is a module of this binary crate and the crate has no library
//! target; a hidden subcommand tests it through the real binary without restructuring the crate.
//!
//! It reads commands on stdin, one a line, and answers each on stdout: `ensure` →
//! `endpoint HOST PORT`, `remove` → `removed`, failures → `error MESSAGE`. At end of input it
//! stops its servers gracefully and prints `stopped`. Secrets come from the environment, never
//! argv: `ISTHMUS_PROVIDER_SECRET` and `ISTHMUS_SERVICE_PASSWORD`.

use crate::compute::{ComputeConfig, PostgresBackend};
use anyhow::Context;
use azure_client::{ArmClient, ClientSecretCredential, Endpoints};
use azure_emulator::dataplane::hosts::HostRunner;
use azure_emulator::tls::Certificates;
use control_plane::compute::{ComputeBackend, Placement};
use control_plane::reconciler::ProviderIdentity;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::AsyncBufReadExt;

#[derive(clap::Args)]
pub struct Args {
    /// The running emulator's data dir (its CA, its CA key and its data plane's record)
    #[arg(long)]
    emulator_dir: PathBuf,
    /// The emulator's URL
    #[arg(long)]
    azure_url: String,
    /// Where services keep their data
    #[arg(long)]
    services_dir: PathBuf,
    #[arg(long)]
    tenant: String,
    #[arg(long)]
    app_id: String,
    #[arg(long)]
    subscription: String,
    #[arg(long)]
    resource_group: String,
    #[arg(long)]
    service_id: uuid::Uuid,
    #[arg(long)]
    service_name: String,
    #[arg(long, default_value = "test")]
    project: String,
    /// The provider VNet (ARM id) the service goes into
    #[arg(long)]
    vnet: String,
    #[arg(long, default_value = "westeurope")]
    region: String,
}

fn secret(var: &str) -> anyhow::Result<String> {
    std::env::var(var).with_context(|| format!("{var} is not set"))
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let ca = std::fs::read(args.emulator_dir.join("ca.pem")).context("reading the emulator's ca.pem")?;
    let endpoints = Endpoints::emulator(args.azure_url.parse()?, ca);
    let credential =
        Arc::new(ClientSecretCredential::new(&endpoints, args.app_id.clone(), secret("ISTHMUS_PROVIDER_SECRET")?)?);
    let hosts = HostRunner::for_data_dir(&args.emulator_dir)
        .context("the emulator runs no data plane: start it with --data-plane on")?;
    let certificates = Certificates::load(&args.emulator_dir)?.context("the emulator's data dir has no CA key")?;
    let backend = PostgresBackend::new(ComputeConfig {
        services_dir: args.services_dir,
        arm: Arc::new(ArmClient::new(&endpoints, credential)?),
        provider: ProviderIdentity {
            tenant_id: args.tenant,
            app_id: args.app_id,
            subscription_id: args.subscription,
            resource_group: args.resource_group,
        },
        hosts,
        certificates: Arc::new(certificates),
    })?;
    let placement = Placement {
        service_id: args.service_id,
        service_name: args.service_name,
        project: args.project,
        provider_vnet_id: args.vnet,
        region: args.region,
        admin_password: secret("ISTHMUS_SERVICE_PASSWORD")?,
    };
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    let mut out = std::io::stdout();
    while let Some(line) = lines.next_line().await? {
        let answer = match line.trim() {
            "ensure" => match backend.ensure(&placement).await {
                Ok(e) => format!("endpoint {} {}", e.host, e.port),
                Err(e) => format!("error {e}"),
            },
            "remove" => match backend.remove(&placement).await {
                Ok(()) => "removed".to_string(),
                Err(e) => format!("error {e}"),
            },
            other => format!("error unknown command {other:?}: ensure or remove"),
        };
        writeln!(out, "{answer}")?;
    }
    backend.shutdown().await;
    writeln!(out, "stopped")?;
    Ok(())
}

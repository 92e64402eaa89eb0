//! `isthmus`: the VPC-peering system's one binary.

mod commands;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "isthmus", version, about = "VPC peering for a managed database cloud on Azure")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the Azure emulator (Entra ID, Graph, ARM, RBAC, VNet peering) on HTTPS.
    Emulator(commands::emulator::Args),
    /// Run the control plane: the Aiven-compatible API for project VPCs and peering connections.
    Serve(Box<commands::serve::Args>),
    /// Manage projects directly in the database.
    #[command(subcommand)]
    Project(ProjectCommand),
}

#[derive(Subcommand)]
enum ProjectCommand {
    /// Create a project with a member and print an access token for them.
    Create(commands::project::Args),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("ISTHMUS_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Emulator(args) => commands::emulator::run(args).await,
        Command::Serve(args) => commands::serve::run(*args).await,
        Command::Project(ProjectCommand::Create(args)) => commands::project::run(args).await,
    }
}

//! `isthmus`: the VPC-peering system's one binary.

mod commands;
mod compute;
mod control_plane_api;
mod data_dir_lock;
mod demo_service;
mod demo_world;
mod stack;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "isthmus", version, about = "VPC peering for a managed database cloud on Azure")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the whole stack on one machine: the Azure emulator, the control plane and its reconciler,
    /// with a demo world.
    Up(commands::up::Args),
    /// On a throwaway stack, perform the customer's 15 steps and show each with its timing.
    Demo(commands::demo::Args),
    /// Run the Azure emulator (Entra ID, Graph, ARM, RBAC, VNet peering) on HTTPS.
    Emulator(commands::emulator::Args),
    /// Run the control plane: the Aiven-compatible API for project VPCs and peering connections.
    Serve(Box<commands::serve::Args>),
    /// Project VPCs and peering connections (the same flags and environment as `avn vpc`).
    Vpc(commands::vpc::Args),
    /// The customer's Azure side of the peering guide, automated.
    Azure(commands::azure::Args),
    /// Manage projects directly in the database.
    #[command(subcommand)]
    Project(ProjectCommand),
    /// Run a command on the host a NIC stands for (needs the emulator's data plane).
    Exec(commands::exec::Args),
    /// Places one service with the compute backend, driven over stdin (for its tests).
    #[command(hide = true)]
    ServiceHost(commands::service_host::Args),
}

#[derive(Subcommand)]
enum ProjectCommand {
    /// Create a project with a member and print an access token for them.
    Create(commands::project::Args),
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("ISTHMUS_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let command = Cli::parse().command;
    if let Command::Exec(args) = command {
        // The command's own exit code, not ours.
        return commands::exec::run(args).unwrap_or_else(|e| {
            eprintln!("ERROR: {e:#}");
            std::process::ExitCode::FAILURE
        });
    }
    match run(command).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // The cause chain on one line, as every subcommand words it; never a backtrace, whatever
            // RUST_BACKTRACE says: a user needs what went wrong and what to do, not our stack.
            eprintln!("ERROR: {e:#}");
            if let Some(hint) = next_step(&e) {
                eprintln!("{hint}");
            }
            std::process::ExitCode::FAILURE
        }
    }
}

/// What to do about failures whose message alone does not say it.
fn next_step(e: &anyhow::Error) -> Option<&'static str> {
    let chain = format!("{e:#}");
    (chain.contains("UnknownIssuer") || chain.contains("certificate verify failed")).then_some(
        "The Azure endpoint's certificate is not trusted: source the env.sh that `isthmus up` writes, or set \
         ISTHMUS_AZURE_CA (or pass --azure-ca) to the emulator's ca.pem.",
    )
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Up(args) => commands::up::run(args).await,
        Command::Demo(args) => commands::demo::run(args).await,
        Command::Emulator(args) => commands::emulator::run(args).await,
        Command::Serve(args) => commands::serve::run(*args).await,
        Command::Project(ProjectCommand::Create(args)) => commands::project::run(args).await,
        Command::Vpc(args) => commands::vpc::run(args).await,
        Command::Azure(args) => commands::azure::run(args).await,
        Command::ServiceHost(args) => commands::service_host::run(args).await,
        Command::Exec(_) => anyhow::bail!("exec runs on its own, before the async commands"),
    }
}

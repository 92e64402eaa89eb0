//! `isthmus azure …`: the customer's Azure side of the guide, automated.
//!
//! `connect` signs the customer's administrator in (device code) and performs the guide's steps
//! 2–15 against Azure and the control plane's Aiven-compatible API, each step idempotent, so an
//! interrupted run is finished by running it again.

mod connect;
mod connection_steps;
mod directory_steps;
mod files;
mod grant_steps;
mod peering_steps;
mod progress;
mod propagation;
mod roles;
mod secret_file;
mod sign_in;
mod sign_in_cache;
mod state_file;
mod vnet_ref;

/// What `isthmus demo` shares with `azure connect`: the steps after sign-in and what they need.
pub(crate) use connect::{print_services, steps_2_to_15, Ctx};
pub(crate) use progress::{Outcome, Progress};
pub(crate) use roles::AppRole;
pub(crate) use secret_file::SecretFile;
pub(crate) use sign_in::{read_vnet, Who};
pub(crate) use state_file::StateFile;
pub(crate) use vnet_ref::VnetRef;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Peer one of your VNets with a project VPC: sign in as your tenant's administrator, then
    /// register the app, grant the roles, create the connection and your side of the peering, and
    /// wait until it is ACTIVE.
    Connect(Box<connect::Args>),
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        Command::Connect(a) => connect::run(*a).await,
    }
}

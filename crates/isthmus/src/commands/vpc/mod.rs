//! `isthmus vpc …`: the customer's VPC and peering-connection commands, flag-compatible with `avn vpc …`
//! (same environment: `AIVEN_WEB_URL`, `AIVEN_AUTH_TOKEN`, `AIVEN_PROJECT`), plus `--wait` and a
//! connection's timeline.

mod avn_config;
mod cidrs;
mod detail;
mod events;
mod matching;
mod peering;
mod render;
mod vpcs;
mod wait;

use crate::control_plane_api::{Api, ApiError};
use std::io::Write;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    api: ApiOptions,
    #[command(subcommand)]
    command: VpcCommand,
}

/// Where the API is and who is calling, as `avn` takes them.
#[derive(clap::Args, Debug)]
struct ApiOptions {
    /// Base URL of the API; requests go to URL/v1/…
    #[arg(long, env = "AIVEN_WEB_URL", global = true, help_heading = "API", default_value = super::DEFAULT_API_URL)]
    url: String,
    /// API token, sent as `authorization: aivenv1 TOKEN`
    #[arg(long, env = "AIVEN_AUTH_TOKEN", global = true, help_heading = "API", hide_env_values = true)]
    auth_token: Option<String>,
    /// Project name
    #[arg(long, env = "AIVEN_PROJECT", global = true, help_heading = "API")]
    project: Option<String>,
}

#[derive(clap::Subcommand, Debug)]
enum VpcCommand {
    /// List the project's VPCs
    List(vpcs::ListArgs),
    /// Create a project VPC
    Create(vpcs::CreateArgs),
    /// Show a project VPC and its peering connections
    Get(vpcs::GetArgs),
    /// Delete a project VPC (it must have no live peering connections)
    Delete(vpcs::DeleteArgs),
    /// Peering connections of a project VPC
    #[command(subcommand)]
    PeeringConnection(PeeringCommand),
    /// Further CIDRs routed through a peering connection, besides the peer VNet's own
    #[command(subcommand)]
    UserPeerNetworkCidr(CidrCommand),
}

#[derive(clap::Subcommand, Debug)]
enum CidrCommand {
    /// Add CIDRs to a peering connection
    Add(cidrs::AddArgs),
    /// Remove CIDRs from the VPC's peering connections
    Delete(cidrs::DeleteArgs),
}

#[derive(clap::Subcommand, Debug)]
enum PeeringCommand {
    /// Request a peering connection to your Azure VNet
    Create(peering::CreateArgs),
    /// Show a peering connection's state and what to do next
    Get(peering::GetArgs),
    /// List a VPC's peering connections
    List(peering::ListArgs),
    /// Delete a peering connection
    Delete(peering::DeleteArgs),
    /// Ask the control plane to look at the VPC's peerings now, then list them
    Refresh(peering::ListArgs),
    /// Show a peering connection's timeline: every state change with its time and reason
    Events(events::EventsArgs),
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let result = dispatch(args).await;
    let _ = std::io::stdout().flush();
    if let Err(e) = result {
        match e.downcast_ref::<ApiError>() {
            Some(api) => eprintln!("ERROR: {api}"),
            None => eprintln!("ERROR: {e:#}"),
        }
        std::process::exit(1);
    }
    Ok(())
}

async fn dispatch(args: Args) -> anyhow::Result<()> {
    let api = connect(&args.api)?;
    match args.command {
        VpcCommand::List(a) => vpcs::list(&api, a).await,
        VpcCommand::Create(a) => vpcs::create(&api, a).await,
        VpcCommand::Get(a) => vpcs::get(&api, a).await,
        VpcCommand::Delete(a) => vpcs::delete(&api, a).await,
        VpcCommand::PeeringConnection(p) => match p {
            PeeringCommand::Create(a) => peering::create(&api, a).await,
            PeeringCommand::Get(a) => peering::get(&api, a).await,
            PeeringCommand::List(a) => peering::list(&api, a).await,
            PeeringCommand::Delete(a) => peering::delete(&api, a).await,
            PeeringCommand::Events(a) => events::run(&api, a).await,
            PeeringCommand::Refresh(a) => peering::refresh(&api, a).await,
        },
        VpcCommand::UserPeerNetworkCidr(c) => match c {
            CidrCommand::Add(a) => cidrs::add(&api, a).await,
            CidrCommand::Delete(a) => cidrs::delete(&api, a).await,
        },
    }
}

/// Checks the token and project are there before any request is made.
fn connect(o: &ApiOptions) -> anyhow::Result<Api> {
    let token = o
        .auth_token
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .or_else(avn_config::token)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "not authenticated: set AIVEN_AUTH_TOKEN, pass --auth-token, or log in with `avn user login` \
                 (for `isthmus up`, source the env.sh it writes)"
            )
        })?;
    let project =
        o.project.as_deref().filter(|p| !p.is_empty()).map(str::to_string).or_else(avn_config::project).ok_or_else(
            || {
                anyhow::anyhow!(
                    "no project: set AIVEN_PROJECT, pass --project, or set a default with `avn project switch`"
                )
            },
        )?;
    let url = o.url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        anyhow::bail!("--url / AIVEN_WEB_URL must start with http:// or https://, not {url:?}");
    }
    Api::new(url, &token, &project)
}

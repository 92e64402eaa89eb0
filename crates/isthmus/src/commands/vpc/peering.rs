//! `vpc peering-connection create | get | list | delete`, with `avn`'s flags, plus `--wait`.

use super::matching::Selector;
use super::wait::{self, Reached, State, WaitArgs};
use super::{detail, render};
use crate::control_plane_api::{wait::not_found, Api, Connection, NewConnection, PeerRef, Vpc};
use serde_json::{json, Value};
use std::time::Duration;
use uuid::Uuid;

/// Which connection: the VPC, then the peer's subscription, optional resource group and VNet.
#[derive(clap::Args, Debug)]
pub struct Target {
    /// Project VPC ID
    #[arg(long)]
    pub project_vpc_id: String,
    /// Peer Azure subscription ID
    #[arg(long)]
    pub peer_cloud_account: String,
    /// Peer resource group
    #[arg(long)]
    pub peer_resource_group: Option<String>,
    /// Peer VNet name
    #[arg(long)]
    pub peer_vpc: String,
    /// Peer region (AWS only; Azure connections have none)
    #[arg(long)]
    pub peer_region: Option<String>,
}

impl Target {
    fn selector(&self) -> Selector {
        Selector {
            account: self.peer_cloud_account.clone(),
            resource_group: self.peer_resource_group.clone(),
            vnet: self.peer_vpc.clone(),
            region: self.peer_region.clone(),
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct CreateArgs {
    /// Project VPC ID
    #[arg(long)]
    pub project_vpc_id: String,
    /// Peer Azure subscription ID
    #[arg(long)]
    pub peer_cloud_account: String,
    /// Peer VNet name
    #[arg(long)]
    pub peer_vpc: String,
    /// Peer region (AWS only; refused for Azure)
    #[arg(long)]
    pub peer_region: Option<String>,
    /// Peer resource group
    #[arg(long)]
    pub peer_resource_group: String,
    /// The application ID of your app registration that will create your side of the peering
    #[arg(long)]
    pub peer_azure_app_id: String,
    /// Your Azure AD tenant ID
    #[arg(long)]
    pub peer_azure_tenant_id: String,
    /// A private IPv4 range to route through the connection (repeatable)
    #[arg(long = "user-peer-network-cidr", value_name = "CIDR")]
    pub user_peer_network_cidrs: Vec<String>,
    #[command(flatten)]
    pub wait: WaitArgs,
    /// Print the JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct GetArgs {
    #[command(flatten)]
    pub target: Target,
    /// Also show the connection's ID, peer and times
    #[arg(short, long)]
    pub verbose: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
    /// Print the JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Project VPC ID
    #[arg(long)]
    pub project_vpc_id: String,
    /// Also show creation and update times
    #[arg(short, long)]
    pub verbose: bool,
    /// Print the JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct DeleteArgs {
    #[command(flatten)]
    pub target: Target,
    #[command(flatten)]
    pub wait: WaitArgs,
    /// Print the JSON
    #[arg(long)]
    pub json: bool,
}

/// Prints a connection the way `get` does, or its JSON.
fn print_connection(c: &Connection, verbose: bool, as_json: bool) -> anyhow::Result<()> {
    let v = serde_json::to_value(c)?;
    if as_json {
        println!("{}", render::json(&v));
    } else {
        print!("{}", detail::connection(&v, verbose));
    }
    Ok(())
}

/// What `--wait` ended with, printed.
fn print_reached(r: Reached, id: Option<Uuid>, verbose: bool, as_json: bool) -> anyhow::Result<()> {
    match r {
        Reached::Listed(c) => print_connection(&c, verbose, as_json)?,
        Reached::Gone if as_json => {
            println!("{}", render::json(&json!({"peering_connection_id": id, "state": "DELETED"})))
        }
        Reached::Gone => println!("State: DELETED"),
    }
    Ok(())
}

async fn wait_for(
    api: &Api,
    vpc: &str,
    id: Option<Uuid>,
    selector: &Selector,
    target: State,
    w: &WaitArgs,
) -> anyhow::Result<Reached> {
    wait::until(api, vpc, id, selector, target, Duration::from_secs(w.timeout)).await
}

pub async fn create(api: &Api, a: CreateArgs) -> anyhow::Result<()> {
    let body = NewConnection {
        peer_cloud_account: a.peer_cloud_account.clone(),
        peer_vpc: a.peer_vpc.clone(),
        peer_resource_group: a.peer_resource_group.clone(),
        peer_azure_app_id: a.peer_azure_app_id,
        peer_azure_tenant_id: a.peer_azure_tenant_id,
        peer_region: a.peer_region.clone(),
        user_peer_network_cidrs: a.user_peer_network_cidrs,
    };
    let created = api.create_connection(&a.project_vpc_id, &body).await?;
    let Some(target) = a.wait.wait else {
        let v = serde_json::to_value(&created)?;
        if a.json {
            println!("{}", render::json(&v));
        } else {
            println!("{}", render::wide(std::slice::from_ref(&v)));
        }
        return Ok(());
    };
    let id = Some(created.peering_connection_id);
    let selector = Selector {
        account: a.peer_cloud_account,
        resource_group: Some(a.peer_resource_group),
        vnet: a.peer_vpc,
        region: a.peer_region,
    };
    let reached = wait_for(api, &a.project_vpc_id, id, &selector, target, &a.wait).await?;
    print_reached(reached, id, false, a.json)
}

pub async fn get(api: &Api, a: GetArgs) -> anyhow::Result<()> {
    let selector = a.target.selector();
    if let Some(target) = a.wait.wait {
        let reached = wait_for(api, &a.target.project_vpc_id, None, &selector, target, &a.wait).await?;
        return print_reached(reached, None, a.verbose, a.json);
    }
    let vpc = api.vpc(&a.target.project_vpc_id).await?;
    let c = selector.find(&vpc).ok_or_else(|| not_found(&vpc))?;
    print_connection(c, a.verbose, a.json)
}

pub async fn list(api: &Api, a: ListArgs) -> anyhow::Result<()> {
    let vpc = api.vpc(&a.project_vpc_id).await?;
    print_list(&vpc, &a)
}

/// `refresh`: asks the control plane to look at the VPC's peerings now, then lists them as `list`
/// (and `avn vpc peering-connection refresh`) does.
pub async fn refresh(api: &Api, a: ListArgs) -> anyhow::Result<()> {
    let vpc = api.refresh(&a.project_vpc_id).await?;
    print_list(&vpc, &a)
}

fn print_list(vpc: &Vpc, a: &ListArgs) -> anyhow::Result<()> {
    let conns = vpc.peering_connections.iter().map(serde_json::to_value).collect::<Result<Vec<Value>, _>>()?;
    if a.json {
        println!("{}", render::json(&Value::Array(conns)));
    } else if !conns.is_empty() {
        let mut cols = vec!["peer_cloud_account", "peer_resource_group", "peer_vpc", "peer_region", "state"];
        if a.verbose {
            cols.extend(["create_time", "update_time"]);
        }
        println!("{}", render::table(&cols, &conns));
    }
    Ok(())
}

impl Target {
    fn peer(&self) -> PeerRef<'_> {
        PeerRef {
            account: &self.peer_cloud_account,
            resource_group: self.peer_resource_group.as_deref(),
            vnet: &self.peer_vpc,
            region: self.peer_region.as_deref(),
        }
    }
}

pub async fn delete(api: &Api, a: DeleteArgs) -> anyhow::Result<()> {
    let deleted = api.delete_connection(&a.target.project_vpc_id, &a.target.peer()).await?;
    let Some(target) = a.wait.wait else {
        // The connection as `get -v` shows it (now DELETING), not a table of every key.
        return print_connection(&deleted, true, a.json);
    };
    let id = Some(deleted.peering_connection_id);
    let reached = wait_for(api, &a.target.project_vpc_id, id, &a.target.selector(), target, &a.wait).await?;
    print_reached(reached, id, false, a.json)
}

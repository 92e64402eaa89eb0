//! `vpc list | create | get | delete`: project VPCs.

use super::render;
use crate::control_plane_api::{Api, VpcCreateIn};
use serde_json::Value;

/// The columns `avn` prints for a VPC.
const VPC: [&str; 4] = ["project_vpc_id", "cloud_name", "network_cidr", "state"];
const VPC_CHANGED: [&str; 4] = ["project_vpc_id", "state", "cloud_name", "network_cidr"];
const TIMES: [&str; 2] = ["create_time", "update_time"];

#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Also show creation and update times
    #[arg(short, long)]
    pub verbose: bool,
    /// Print the JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct CreateArgs {
    /// Cloud to create the VPC in (e.g. azure-westeurope)
    #[arg(long)]
    pub cloud: String,
    /// The VPC's IPv4 range (e.g. 10.1.0.0/24)
    #[arg(long)]
    pub network_cidr: String,
    /// Print the JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct GetArgs {
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
    /// Project VPC ID
    #[arg(long)]
    pub project_vpc_id: String,
    /// Print the JSON
    #[arg(long)]
    pub json: bool,
}

fn columns(base: &[&'static str], verbose: bool) -> Vec<&'static str> {
    let mut c = base.to_vec();
    if verbose {
        c.extend(TIMES);
    }
    c
}

pub async fn list(api: &Api, a: ListArgs) -> anyhow::Result<()> {
    let out = api.vpcs().await?;
    let vpcs = out.vpcs.iter().map(serde_json::to_value).collect::<Result<Vec<Value>, _>>()?;
    if a.json {
        println!("{}", render::json(&Value::Array(vpcs)));
    } else if !vpcs.is_empty() {
        println!("{}", render::table(&columns(&VPC, a.verbose), &vpcs));
    }
    Ok(())
}

pub async fn create(api: &Api, a: CreateArgs) -> anyhow::Result<()> {
    let body = VpcCreateIn { cloud_name: a.cloud, network_cidr: a.network_cidr, peering_connections: vec![] };
    let vpc = api.create_vpc(&body).await?;
    print_changed(&serde_json::to_value(vpc)?, a.json);
    Ok(())
}

pub async fn delete(api: &Api, a: DeleteArgs) -> anyhow::Result<()> {
    let vpc = api.delete_vpc(&a.project_vpc_id).await?;
    print_changed(&serde_json::to_value(vpc)?, a.json);
    Ok(())
}

fn print_changed(vpc: &Value, as_json: bool) {
    if as_json {
        println!("{}", render::json(vpc));
    } else {
        println!("{}", render::table(&VPC_CHANGED, std::slice::from_ref(vpc)));
    }
}

/// Ours (avn has no `vpc get`): the VPC, then its peering connections.
pub async fn get(api: &Api, a: GetArgs) -> anyhow::Result<()> {
    let vpc = serde_json::to_value(api.vpc(&a.project_vpc_id).await?)?;
    if a.json {
        println!("{}", render::json(&vpc));
        return Ok(());
    }
    println!("{}", render::table(&columns(&VPC, a.verbose), std::slice::from_ref(&vpc)));
    println!();
    let conns = vpc["peering_connections"].as_array().cloned().unwrap_or_default();
    if conns.is_empty() {
        println!("No peering connections.");
    } else {
        let mut cols = vec!["peering_connection_id", "peer_cloud_account", "peer_resource_group", "peer_vpc", "state"];
        if a.verbose {
            cols.extend(TIMES);
        }
        println!("{}", render::table(&cols, &conns));
    }
    Ok(())
}

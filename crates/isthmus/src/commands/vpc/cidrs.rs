//! `isthmus vpc user-peer-network-cidr add|delete`, as `avn` sends them: one
//! `PUT …/user-peer-network-cidrs` with `add` or `delete`; prints nothing, as `avn` does.

use super::client::Api;
use super::peering::vpc_path;
use serde_json::{json, Value};

#[derive(clap::Args, Debug)]
pub struct AddArgs {
    /// Project VPC ID
    #[arg(long)]
    pub project_vpc_id: String,
    /// The peer's Azure subscription id
    #[arg(long)]
    pub peer_cloud_account: String,
    /// The peer VNet's resource group
    #[arg(long)]
    pub peer_resource_group: Option<String>,
    /// The peer VNet's name
    #[arg(long)]
    pub peer_vpc: String,
    /// CIDRs routed through the peering besides the VNet's own
    #[arg(required = true)]
    pub cidrs: Vec<String>,
}

#[derive(clap::Args, Debug)]
pub struct DeleteArgs {
    /// Project VPC ID
    #[arg(long)]
    pub project_vpc_id: String,
    #[arg(required = true)]
    pub cidrs: Vec<String>,
}

fn path(vpc: &str) -> String {
    format!("{}/user-peer-network-cidrs", vpc_path(vpc))
}

pub async fn add(api: &Api, a: AddArgs) -> anyhow::Result<()> {
    let add: Vec<Value> = a
        .cidrs
        .iter()
        .map(|cidr| {
            let mut entry = json!({"peer_cloud_account": a.peer_cloud_account, "peer_vpc": a.peer_vpc, "cidr": cidr});
            if let Some(rg) = &a.peer_resource_group {
                entry["peer_resource_group"] = json!(rg);
            }
            entry
        })
        .collect();
    api.send(reqwest::Method::PUT, &path(&a.project_vpc_id), Some(&json!({ "add": add }))).await?;
    Ok(())
}

pub async fn delete(api: &Api, a: DeleteArgs) -> anyhow::Result<()> {
    api.send(reqwest::Method::PUT, &path(&a.project_vpc_id), Some(&json!({ "delete": a.cidrs }))).await?;
    Ok(())
}

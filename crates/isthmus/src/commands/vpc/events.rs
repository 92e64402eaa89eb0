//! `vpc peering-connection events` (ours): a connection's timeline, every transition with its time
//! and reason, from `GET …/peering-connections/{id}/events`.

use super::matching::Selector;
use super::render;
use crate::control_plane_api::{wait::not_found, Api};
use anyhow::anyhow;

#[derive(clap::Args, Debug)]
pub struct EventsArgs {
    /// Project VPC ID
    #[arg(long)]
    pub project_vpc_id: String,
    /// The connection's ID (also works once it is deleted and no longer listed)
    #[arg(long, conflicts_with_all = ["peer_cloud_account", "peer_vpc", "peer_resource_group"])]
    pub peering_connection_id: Option<String>,
    /// Peer Azure subscription ID
    #[arg(long, required_unless_present = "peering_connection_id")]
    pub peer_cloud_account: Option<String>,
    /// Peer resource group
    #[arg(long)]
    pub peer_resource_group: Option<String>,
    /// Peer VNet name
    #[arg(long, required_unless_present = "peering_connection_id")]
    pub peer_vpc: Option<String>,
    /// Print the JSON
    #[arg(long)]
    pub json: bool,
}

pub async fn run(api: &Api, a: EventsArgs) -> anyhow::Result<()> {
    let id = match (a.peering_connection_id, a.peer_cloud_account, a.peer_vpc) {
        (Some(id), _, _) => uuid::Uuid::parse_str(id.trim())
            .map_err(|_| anyhow!("--peering-connection-id '{id}' is not a peering connection id (a UUID)"))?,
        (None, Some(account), Some(vnet)) => {
            let selector = Selector { account, resource_group: a.peer_resource_group, vnet, region: None };
            let vpc = api.vpc(&a.project_vpc_id).await?;
            selector.find(&vpc).ok_or_else(|| not_found(&vpc))?.peering_connection_id
        }
        _ => unreachable!("clap requires --peering-connection-id or --peer-cloud-account and --peer-vpc"),
    };
    let out = serde_json::to_value(api.events(&a.project_vpc_id, &id).await?)?;
    if a.json {
        println!("{}", render::json(&out));
        return Ok(());
    }
    println!("Peering connection {id}: {}", render::cell(&out["state"]));
    let events = out["events"].as_array().cloned().unwrap_or_default();
    if !events.is_empty() {
        println!();
        println!("{}", render::table(&["time", "from_state", "to_state", "reason"], &events));
    }
    Ok(())
}

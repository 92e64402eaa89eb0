//! `isthmus vpc user-peer-network-cidr add|delete`, as `avn` sends them: one
//! `PUT …/user-peer-network-cidrs` with `add` or `delete`; prints nothing, as `avn` does.

use crate::control_plane_api::{Api, UserPeerNetworkCidrAdd, UserPeerNetworkCidrsIn};

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

pub async fn add(api: &Api, a: AddArgs) -> anyhow::Result<()> {
    let add = a
        .cidrs
        .iter()
        .map(|cidr| UserPeerNetworkCidrAdd {
            peer_cloud_account: a.peer_cloud_account.clone(),
            peer_resource_group: a.peer_resource_group.clone(),
            peer_vpc: a.peer_vpc.clone(),
            cidr: cidr.clone(),
        })
        .collect();
    api.update_user_cidrs(&a.project_vpc_id, &UserPeerNetworkCidrsIn { add, delete: vec![] }).await?;
    Ok(())
}

pub async fn delete(api: &Api, a: DeleteArgs) -> anyhow::Result<()> {
    api.update_user_cidrs(&a.project_vpc_id, &UserPeerNetworkCidrsIn { add: vec![], delete: a.cidrs }).await?;
    Ok(())
}

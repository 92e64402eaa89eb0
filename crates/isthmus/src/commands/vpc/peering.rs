//! `vpc peering-connection create | get | list | delete`, with `avn`'s flags, plus `--wait`.

use super::client::{seg, Api};
use super::matching::{connections, Selector};
use super::wait::{self, Reached, State, WaitArgs};
use super::{detail, render};
use serde_json::{json, Value};
use std::time::Duration;

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

pub fn vpc_path(vpc: &str) -> String {
    format!("/vpcs/{}", seg(vpc))
}

/// Prints a connection the way `get` does, or its JSON.
fn print_connection(c: &Value, verbose: bool, as_json: bool) {
    if as_json {
        println!("{}", render::json(c));
    } else {
        print!("{}", detail::connection(c, verbose));
    }
}

/// What `--wait` ended with, printed.
fn print_reached(r: Reached, id: Option<&str>, verbose: bool, as_json: bool) {
    match r {
        Reached::Listed(c) => print_connection(&c, verbose, as_json),
        Reached::Gone if as_json => {
            println!("{}", render::json(&json!({"peering_connection_id": id, "state": "DELETED"})))
        }
        Reached::Gone => println!("State: DELETED"),
    }
}

async fn wait_for(
    api: &Api,
    vpc: &str,
    id: Option<String>,
    selector: &Selector,
    target: State,
    w: &WaitArgs,
) -> anyhow::Result<Reached> {
    wait::until(api, vpc, id, selector, target, Duration::from_secs(w.timeout)).await
}

pub async fn create(api: &Api, a: CreateArgs) -> anyhow::Result<()> {
    let mut body = json!({
        "peer_cloud_account": a.peer_cloud_account,
        "peer_vpc": a.peer_vpc,
        "peer_resource_group": a.peer_resource_group,
        "peer_azure_app_id": a.peer_azure_app_id,
        "peer_azure_tenant_id": a.peer_azure_tenant_id,
    });
    if let Some(r) = &a.peer_region {
        body["peer_region"] = json!(r);
    }
    if !a.user_peer_network_cidrs.is_empty() {
        body["user_peer_network_cidrs"] = json!(a.user_peer_network_cidrs);
    }
    let created = api.post(&format!("{}/peering-connections", vpc_path(&a.project_vpc_id)), &body).await?;
    let Some(target) = a.wait.wait else {
        if a.json {
            println!("{}", render::json(&created));
        } else {
            println!("{}", render::wide(std::slice::from_ref(&created)));
        }
        return Ok(());
    };
    let id = created["peering_connection_id"].as_str().map(String::from);
    let selector = Selector {
        account: a.peer_cloud_account,
        resource_group: Some(a.peer_resource_group),
        vnet: a.peer_vpc,
        region: a.peer_region,
    };
    let reached = wait_for(api, &a.project_vpc_id, id.clone(), &selector, target, &a.wait).await?;
    print_reached(reached, id.as_deref(), false, a.json);
    Ok(())
}

pub async fn get(api: &Api, a: GetArgs) -> anyhow::Result<()> {
    let selector = a.target.selector();
    if let Some(target) = a.wait.wait {
        let reached = wait_for(api, &a.target.project_vpc_id, None, &selector, target, &a.wait).await?;
        print_reached(reached, None, a.verbose, a.json);
        return Ok(());
    }
    let vpc = api.get(&vpc_path(&a.target.project_vpc_id)).await?;
    let c = selector.find(&vpc).ok_or_else(|| super::matching::not_found(&vpc))?;
    print_connection(c, a.verbose, a.json);
    Ok(())
}

pub async fn list(api: &Api, a: ListArgs) -> anyhow::Result<()> {
    let vpc = api.get(&vpc_path(&a.project_vpc_id)).await?;
    print_list(&vpc, &a)
}

/// `refresh`: asks the control plane to look at the VPC's peerings now, then lists them as `list`
/// (and `avn vpc peering-connection refresh`) does.
pub async fn refresh(api: &Api, a: ListArgs) -> anyhow::Result<()> {
    let path = format!("{}/peering-connections/refresh", vpc_path(&a.project_vpc_id));
    let vpc = api.send(reqwest::Method::POST, &path, None).await?;
    print_list(&vpc, &a)
}

fn print_list(vpc: &Value, a: &ListArgs) -> anyhow::Result<()> {
    let conns = connections(vpc);
    if a.json {
        println!("{}", render::json(&Value::Array(conns.to_vec())));
    } else if !conns.is_empty() {
        let mut cols = vec!["peer_cloud_account", "peer_resource_group", "peer_vpc", "peer_region", "state"];
        if a.verbose {
            cols.extend(["create_time", "update_time"]);
        }
        println!("{}", render::table(&cols, conns));
    }
    Ok(())
}

/// `DELETE …/peer-accounts/{acct}[/peer-resource-groups/{rg}]/peer-vpcs/{vnet}[/peer-regions/{r}]`.
pub fn delete_path(t: &Target) -> String {
    let mut p =
        format!("{}/peering-connections/peer-accounts/{}", vpc_path(&t.project_vpc_id), seg(&t.peer_cloud_account));
    if let Some(rg) = &t.peer_resource_group {
        p.push_str(&format!("/peer-resource-groups/{}", seg(rg)));
    }
    p.push_str(&format!("/peer-vpcs/{}", seg(&t.peer_vpc)));
    if let Some(r) = &t.peer_region {
        p.push_str(&format!("/peer-regions/{}", seg(r)));
    }
    p
}

pub async fn delete(api: &Api, a: DeleteArgs) -> anyhow::Result<()> {
    let deleted = api.delete(&delete_path(&a.target)).await?;
    let Some(target) = a.wait.wait else {
        // The connection as `get -v` shows it (now DELETING), not a table of every key.
        print_connection(&deleted, true, a.json);
        return Ok(());
    };
    let id = deleted["peering_connection_id"].as_str().map(String::from);
    let reached = wait_for(api, &a.target.project_vpc_id, id.clone(), &a.target.selector(), target, &a.wait).await?;
    print_reached(reached, id.as_deref(), false, a.json);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delete_paths_encode_each_segment_and_skip_the_absent_group() {
        let mut t = Target {
            project_vpc_id: "v".into(),
            peer_cloud_account: "sub".into(),
            peer_resource_group: Some("My.RG(1) x".into()),
            peer_vpc: "v net/1".into(),
            peer_region: None,
        };
        assert_eq!(
            delete_path(&t),
            "/vpcs/v/peering-connections/peer-accounts/sub/peer-resource-groups/My.RG%281%29%20x/peer-vpcs/v%20net%2F1"
        );
        t.peer_resource_group = None;
        assert_eq!(delete_path(&t), "/vpcs/v/peering-connections/peer-accounts/sub/peer-vpcs/v%20net%2F1");
    }
}

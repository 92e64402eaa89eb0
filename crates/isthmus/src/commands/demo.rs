//! `isthmus demo`: on a throwaway stack, the customer's 15 steps of the guide, each shown with its
//! timing, then the connection's state timeline. Ends ACTIVE.

use crate::control_plane_api::wait::{self, Reached, Wait};
use crate::control_plane_api::{Api, Connection, ConnectionState, NewConnection};
use crate::stack::{Stack, StackConfig};
use anyhow::{bail, Context};
use azure_client::arm::{Permission, PrincipalType, RoleDefinitionSpec};
use azure_client::{ArmClient, ClientSecretCredential, Endpoints, GraphClient, Tenants, UsernamePasswordCredential};
use serde_json::Value;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// Keep the throwaway stack's directory here instead of a temporary one.
    #[arg(long)]
    data_dir: Option<std::path::PathBuf>,
}

const STEPS: usize = 15;

/// Runs one step, printing its number, what it does, what it produced and how long it took.
async fn step<T, F: Future<Output = anyhow::Result<(T, String)>>>(n: usize, what: &str, f: F) -> anyhow::Result<T> {
    let started = Instant::now();
    match f.await {
        Ok((value, detail)) => {
            println!("[{n:>2}/{STEPS}] {what:<58} {:>7.2} s  {detail}", started.elapsed().as_secs_f64());
            Ok(value)
        }
        Err(e) => {
            println!("[{n:>2}/{STEPS}] {what:<58} FAILED");
            Err(e.context(format!("step {n}: {what}")))
        }
    }
}

/// Waits (the shared loop behind `--wait` and `azure connect`) for the connection to reach `state`.
async fn wait_for(api: &Api, vpc: &str, id: uuid::Uuid, state: ConnectionState) -> anyhow::Result<Connection> {
    let w = Wait { vpc, targets: &[state], timeout: Duration::from_secs(120), poll: Duration::from_millis(100) };
    match wait::until(api, &w, Some(id), |_| None, |_| {}).await? {
        Reached::Listed(c) => Ok(*c),
        Reached::Gone => bail!("the connection vanished"),
    }
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let keep = args.data_dir.is_some();
    let tmp = tempfile_dir(args.data_dir)?;
    let any = "127.0.0.1:0".parse()?;
    let stack = Stack::start(StackConfig { data_dir: tmp.clone(), azure_listen: any, api_listen: any }).await?;
    println!(
        "stack up in {:.2} s: Azure emulator {}, control plane {}",
        started.elapsed().as_secs_f64(),
        stack.azure_url,
        stack.api_url
    );
    println!();
    let result = steps(&stack).await;
    stack.shutdown().await;
    if !keep {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    let (timeline, id) = result?;
    println!();
    println!("timeline of connection {id}:");
    for e in timeline["events"].as_array().into_iter().flatten() {
        println!(
            "  {}  {:<13} → {:<13} {}",
            e["time"].as_str().unwrap_or(""),
            e["from_state"].as_str().unwrap_or("-"),
            e["to_state"].as_str().unwrap_or(""),
            e["reason"].as_str().unwrap_or("")
        );
    }
    println!();
    println!(
        "ACTIVE: the customer's VNet and the project VPC are peered ({:.1} s in all)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn tempfile_dir(given: Option<std::path::PathBuf>) -> anyhow::Result<std::path::PathBuf> {
    Ok(match given {
        Some(d) => d,
        None => std::env::temp_dir().join(format!("isthmus-demo-{}", uuid::Uuid::new_v4().simple())),
    })
}

async fn steps(stack: &Stack) -> anyhow::Result<(Value, String)> {
    let w = &stack.world;
    let (c, p) = (&w.customer, &w.provider);
    let endpoints = Endpoints::emulator(stack.azure_url.parse()?, std::fs::read(&stack.ca_file)?);
    let api = Api::new(&stack.api_url, &w.project.token, "demo")?;
    let tenant = c.tenant_id.as_str();

    let admin =
        Arc::new(UsernamePasswordCredential::new(&endpoints, c.admin.username.clone(), c.admin.password.clone())?);
    let (arm, graph) = (ArmClient::new(&endpoints, admin.clone())?, GraphClient::new(&endpoints, admin)?);
    step(1, "az login: sign in the customer's administrator", async {
        let subs = arm.list_subscriptions(tenant).await?;
        Ok(((), format!("{} subscription(s) as {}", subs.len(), c.admin.username)))
    })
    .await?;
    let app = step(2, "az ad app create --sign-in-audience AzureADMultipleOrgs", async {
        let app = graph.create_application(tenant, "demo-peering-app", "AzureADMultipleOrgs").await?;
        let d = format!("appId {}", app.app_id);
        Ok((app, d))
    })
    .await?;
    let sp = step(3, "az ad sp create --id <appId>", async {
        let sp = graph.create_service_principal(tenant, &app.app_id).await?;
        let d = format!("service principal {}", sp.id);
        Ok((sp, d))
    })
    .await?;
    let secret = step(4, "az ad app credential reset --id <appId>", async {
        let pw = graph.add_password(tenant, &app.id, Some("isthmus demo")).await?;
        Ok((pw.secret_text, "a new secret (kept in memory, not shown)".to_string()))
    })
    .await?;
    let vnet = step(5, "az network vnet list: find the VNet's id", async {
        let v = arm.get_virtual_network(tenant, &c.vnet_id).await?.context("the demo VNet is missing")?;
        let d = format!("{} {:?}", v.name, v.address_prefixes);
        Ok((v, d))
    })
    .await?;
    step(6, "az role assignment create: Network Contributor on the VNet", async {
        let roles = arm.list_role_definitions(tenant, &vnet.id, Some("Network Contributor")).await?;
        let role = roles.first().context("Network Contributor not found")?;
        arm.create_role_assignment(tenant, &vnet.id, &role.id, &sp.id, Some(PrincipalType::ServicePrincipal)).await?;
        Ok(((), "granted".to_string()))
    })
    .await?;
    let psp = step(7, "az ad sp create --id <provider app id>", async {
        let s = graph.create_service_principal(tenant, &p.app_id).await?;
        let d = format!("service principal {}", s.id);
        Ok((s, d))
    })
    .await?;
    let sub_scope = format!("/subscriptions/{}", c.subscription_id);
    let role = step(8, "az role definition create: peer/action only", async {
        let spec = RoleDefinitionSpec {
            role_name: "isthmus demo peer".into(),
            description: "Allows creating a peering to vnets in scope (but not from)".into(),
            assignable_scopes: vec![sub_scope.clone()],
            permissions: vec![Permission {
                actions: vec!["Microsoft.Network/virtualNetworks/peer/action".into()],
                not_actions: vec![],
            }],
        };
        let r = arm.put_role_definition(tenant, &sub_scope, uuid::Uuid::new_v4(), &spec).await?;
        let d = format!("role {}", r.name);
        Ok((r, d))
    })
    .await?;
    step(9, "az role assignment create: the peer role to the provider", async {
        arm.create_role_assignment(tenant, &vnet.id, &role.id, &psp.id, Some(PrincipalType::ServicePrincipal)).await?;
        Ok(((), "granted".to_string()))
    })
    .await?;
    let vpc = step(10, "avn vpc list: find the project VPC", async {
        let v = api.vpcs().await?;
        let vpc = v.vpcs.first().context("no project VPC")?;
        let id = vpc.project_vpc_id.to_string();
        Ok((id.clone(), format!("{id} {}", vpc.network_cidr)))
    })
    .await?;
    let created = step(11, "avn vpc peering-connection create", async {
        let body = NewConnection {
            peer_cloud_account: c.subscription_id.clone(),
            peer_resource_group: c.resource_group.clone(),
            peer_vpc: c.vnet_name.clone(),
            peer_azure_app_id: app.app_id.clone(),
            peer_azure_tenant_id: c.tenant_id.clone(),
            peer_region: None,
            user_peer_network_cidrs: vec![],
        };
        let v = api.create_connection(&vpc, &body).await?;
        let d = v.state.to_string();
        Ok((v, d))
    })
    .await?;
    let pending = step(12, "wait for PENDING_PEER (the provider's side)", async {
        let c2 = wait_for(&api, &vpc, created.peering_connection_id, ConnectionState::PendingPeer).await?;
        let info = c2.state_info.clone().context("PENDING_PEER without state_info")?;
        let d = format!("to-tenant-id {}", info.to_tenant_id.as_deref().unwrap_or(""));
        Ok((info, d))
    })
    .await?;
    let to_network = pending.to_network_id.context("no to-network-id")?;
    let to_tenant = pending.to_tenant_id.context("no to-tenant-id")?;
    let app_cred = Arc::new(ClientSecretCredential::new(&endpoints, app.app_id.clone(), secret)?);
    let app_arm = ArmClient::new(&endpoints, app_cred)?;
    step(13, "az login --service-principal --tenant <customer tenant>", async {
        let subs = app_arm.list_subscriptions(tenant).await?;
        Ok(((), format!("{} subscription(s)", subs.len())))
    })
    .await?;
    step(14, "az login --service-principal --tenant <provider tenant>", async {
        let subs = app_arm.list_subscriptions(&to_tenant).await?;
        Ok(((), format!("{} subscription(s)", subs.len())))
    })
    .await?;
    step(15, "az network vnet peering create; wait for ACTIVE", async {
        let tenants = Tenants::new(tenant.to_string()).with_auxiliary([to_tenant.clone()])?;
        let peering = app_arm.put_peering(&tenants, &vnet.id, "to-provider", &to_network).await?;
        wait_for(&api, &vpc, created.peering_connection_id, ConnectionState::Active).await?;
        Ok(((), format!("peering {:?}, connection ACTIVE", peering.peering_state)))
    })
    .await?;
    let timeline = api.events(&vpc, &created.peering_connection_id).await?;
    Ok((serde_json::to_value(timeline)?, created.peering_connection_id.to_string()))
}

//! `isthmus demo`: on a throwaway stack, the customer's 15 steps of the guide as `azure connect`
//! performs them (the same code), each shown with its timing, then the connection's state
//! timeline. Ends ACTIVE, and where services run (the data plane and PostgreSQL are here) with a
//! query from the customer's host to the project VPC's service through the peering — after
//! showing the same query fail before the peering exists.

use super::azure;
use crate::control_plane_api::Api;
use crate::stack::{Stack, StackConfig};
use anyhow::Context;
use azure_client::{ArmClient, Endpoints, GraphClient, UsernamePasswordCredential};
use azure_emulator::DataPlaneMode;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// Keep the throwaway stack's directory here instead of a temporary one.
    #[arg(long)]
    data_dir: Option<std::path::PathBuf>,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let keep = args.data_dir.is_some();
    let tmp = tempfile_dir(args.data_dir)?;
    let any = "127.0.0.1:0".parse()?;
    let stack = Stack::start(StackConfig {
        data_dir: tmp.clone(),
        azure_listen: any,
        api_listen: any,
        data_plane: DataPlaneMode::Auto,
    })
    .await?;
    println!(
        "stack up in {:.2} s: Azure emulator {}, control plane {}",
        started.elapsed().as_secs_f64(),
        stack.azure_url,
        stack.api_url
    );
    println!();
    let before = match query_service(&stack).await {
        Some(q) => {
            println!("before the peering: {}", q.describe(&stack));
            Some(q)
        }
        None => {
            println!("(services do not run here: no data plane or no PostgreSQL; the demo ends at ACTIVE)");
            None
        }
    };
    println!();
    let result = steps(&stack, &tmp).await;
    let after = match (&result, before) {
        (Ok(_), Some(_)) => query_service(&stack).await,
        _ => None,
    };
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
    if let Some(q) = after {
        println!("through the peering: {}", q.text);
        anyhow::ensure!(q.ok, "the query through the ACTIVE peering failed");
    }
    Ok(())
}

/// One `select 1` from the customer's host to the demo service.
struct Query {
    ok: bool,
    text: String,
}

impl Query {
    fn describe(&self, stack: &Stack) -> String {
        if self.ok {
            format!("{} (unexpected: {} should not be reachable yet)", self.text, stack.world.customer.vnet_name)
        } else {
            format!(
                "{} — expected: nothing routes from {} to the project VPC yet",
                self.text, stack.world.customer.vnet_name
            )
        }
    }
}

/// Runs psql on `customer-vm` against the demo service, if both exist here.
async fn query_service(stack: &Stack) -> Option<Query> {
    let service = stack.world.service.as_ref()?;
    let nic = stack.world.customer_vm_nic_id();
    let mut cmd = tokio::process::Command::from(stack.host_command(&nic, "psql")?);
    cmd.args([service.uri.as_str(), "-Atc", "select 1"]).env("PGCONNECT_TIMEOUT", "2").kill_on_drop(true);
    let started = Instant::now();
    let out = cmd.output().await;
    let took = started.elapsed().as_secs_f64() * 1000.0;
    let who = format!("psql from {} to service {}", stack.world.customer.vm_nic, service.name);
    Some(match out {
        Ok(o) if o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "1" => {
            Query { ok: true, text: format!("{who}: select 1 answered in {took:.0} ms") }
        }
        Ok(o) => {
            let err = String::from_utf8_lossy(&o.stderr);
            let first = err.lines().next().unwrap_or("no output").trim().to_string();
            Query { ok: false, text: format!("{who} failed after {took:.0} ms ({first})") }
        }
        Err(e) => Query { ok: false, text: format!("{who} could not run: {e}") },
    })
}

fn tempfile_dir(given: Option<std::path::PathBuf>) -> anyhow::Result<std::path::PathBuf> {
    Ok(match given {
        Some(d) => d,
        None => std::env::temp_dir().join(format!("isthmus-demo-{}", uuid::Uuid::new_v4().simple())),
    })
}

/// The guide's 15 steps as `azure connect` runs them (the same code), signed in with the demo
/// administrator's password instead of a device code.
async fn steps(stack: &Stack, dir: &std::path::Path) -> anyhow::Result<(Value, String)> {
    let w = &stack.world;
    let (c, p) = (&w.customer, &w.provider);
    let endpoints = Endpoints::emulator(stack.azure_url.parse()?, std::fs::read(&stack.ca_file)?);
    let api = Api::new(&stack.api_url, &w.project.token, "demo")?;
    let vpc_id = api.vpcs().await?.vpcs.first().context("the demo project has no VPC")?.project_vpc_id.to_string();
    let vnet = azure::VnetRef::parse(&c.vnet_id)?;

    let mut progress = azure::Progress::default();
    let started = Instant::now();
    let admin =
        Arc::new(UsernamePasswordCredential::new(&endpoints, c.admin.username.clone(), c.admin.password.clone())?);
    let (arm, graph) = (ArmClient::new(&endpoints, admin.clone())?, GraphClient::new(&endpoints, admin)?);
    let who = azure::Who { tenant: &c.tenant_id, user: &c.admin.username };
    let vnet_info = azure::read_vnet(&arm, &who, &vnet).await?;
    let signed_in = azure::Outcome::Done(format!("{} in tenant {} (password)", c.admin.username, c.tenant_id));
    progress.line(1, "sign in as the customer's administrator", signed_in, started);

    let ctx = azure::Ctx {
        endpoints,
        arm,
        graph,
        tenant: c.tenant_id.clone(),
        user: c.admin.username.clone(),
        vnet,
        api,
        vpc_id: vpc_id.clone(),
        provider_app_id: p.app_id.clone(),
        role: azure::AppRole::NetworkContributor,
        dry_run: false,
        secrets: azure::SecretFile::new(dir.join("demo-app.secret")),
        show_secret: false,
        propagation: Duration::from_secs(60),
        wait: Duration::from_secs(120),
        poll: Duration::from_millis(100),
    };
    let mut state = azure::StateFile::load(dir.join("demo.state.json"), &vpc_id, &ctx.vnet.id, false)?;
    let (connection, _) = azure::steps_2_to_15(&ctx, &mut progress, &mut state, &vnet_info).await?;
    let id = connection.context("the steps ended without a connection")?.peering_connection_id;
    azure::print_services(&ctx).await;
    let timeline = ctx.api.events(&vpc_id, &id).await?;
    Ok((serde_json::to_value(timeline)?, id.to_string()))
}

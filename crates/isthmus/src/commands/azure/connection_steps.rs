//! The control plane's side: create the peering connection (step 11), wait for the provider's
//! side to be built (step 12, PENDING_PEER) and, after the customer's peering, for ACTIVE (step 15).

use super::api::{Connection, Created, NewConnection};
use super::connect::Ctx;
use super::progress::{Outcome, Progress};
use super::state_file::StateFile;
use anyhow::bail;
use azure_client::graph::Application;
use std::time::Instant;

/// Where the provider's side is, once the connection is PENDING_PEER (or ACTIVE).
#[derive(Debug, Clone, Default)]
pub struct Pending {
    /// The connection's state when the step ended; empty in a dry run with no connection.
    pub state: String,
    pub provider_tenant: Option<String>,
    pub provider_vnet: Option<String>,
}

/// The live connection for this VNet in the project VPC, if any.
async fn find(ctx: &Ctx, id: Option<&str>) -> anyhow::Result<Option<Connection>> {
    let vpc = ctx.api.get_vpc(&ctx.vpc_id).await?;
    let v = &ctx.vnet;
    let by_id = |c: &Connection| id.is_some_and(|id| c.peering_connection_id.as_deref() == Some(id));
    let by_slot = |c: &Connection| c.is_live() && c.is_for(&v.subscription, &v.resource_group, &v.name);
    let found = vpc
        .peering_connections
        .iter()
        .find(|c| by_id(c))
        .or_else(|| vpc.peering_connections.iter().find(|c| by_slot(c)));
    Ok(found.cloned())
}

fn describe(c: &Connection) -> String {
    format!("connection {} is {}", c.peering_connection_id.as_deref().unwrap_or("?"), c.state)
}

/// Step 11: `POST …/peering-connections`, unless the connection exists (found first, or a 409).
pub async fn create(
    ctx: &Ctx,
    p: &mut Progress,
    st: &mut StateFile,
    app: Option<&Application>,
) -> anyhow::Result<Option<Connection>> {
    let title = format!("create the peering connection from project VPC {}", ctx.vpc_id);
    let c = p
        .step(11, &title, async {
            if let Some(c) = find(ctx, st.state.connection_id.as_deref()).await? {
                check_app(ctx, &c, app)?;
                return Ok((Outcome::AlreadyDone(describe(&c)), Some(c)));
            }
            let Some(app) = app.filter(|_| !ctx.dry_run) else {
                return Ok((Outcome::Would("create the peering connection".into()), None));
            };
            let new = NewConnection {
                subscription: &ctx.vnet.subscription,
                resource_group: &ctx.vnet.resource_group,
                vnet_name: &ctx.vnet.name,
                app_id: &app.app_id,
                tenant_id: &ctx.tenant,
            };
            match ctx.api.create_connection(&ctx.vpc_id, &new).await? {
                Created::New(c) => Ok((Outcome::Changed(describe(&c)), Some(c))),
                Created::Exists => match find(ctx, None).await? {
                    Some(c) => {
                        check_app(ctx, &c, Some(app))?;
                        Ok((Outcome::AlreadyDone(describe(&c)), Some(c)))
                    }
                    None => bail!("the control plane says the connection exists, but the project VPC does not list it"),
                },
            }
        })
        .await?;
    if let Some(c) = &c {
        st.state.connection_id = c.peering_connection_id.clone();
        st.complete(11)?;
    }
    Ok(c)
}

/// A connection made for another app cannot be completed with this one.
fn check_app(ctx: &Ctx, c: &Connection, app: Option<&Application>) -> anyhow::Result<()> {
    let (Some(theirs), Some(ours)) = (c.peer_azure_app_id.as_deref(), app) else { return Ok(()) };
    if !theirs.eq_ignore_ascii_case(&ours.app_id) {
        bail!(
            "project VPC {} already has a connection to {} for app {theirs} ({}), not for app {}: delete it \
             (isthmus vpc peering-connection delete --project-vpc-id {} --peer-cloud-account {} \
             --peer-resource-group {} --peer-vpc {}) and run again",
            ctx.vpc_id,
            ctx.vnet.name,
            c.state,
            ours.app_id,
            ctx.vpc_id,
            ctx.vnet.subscription,
            ctx.vnet.resource_group,
            ctx.vnet.name
        );
    }
    Ok(())
}

/// A state the connection cannot leave by waiting: its message says what to fix.
fn check_failed(ctx: &Ctx, c: &Connection) -> anyhow::Result<()> {
    match c.state.as_str() {
        "INVALID_SPECIFICATION" | "REJECTED_BY_PEER" | "ERROR" => bail!(
            "the peering connection is {}: {}\nFix that, delete the connection (isthmus vpc peering-connection delete \
             --project-vpc-id {} --peer-cloud-account {} --peer-resource-group {} --peer-vpc {}) and run again",
            c.state,
            c.message(),
            ctx.vpc_id,
            ctx.vnet.subscription,
            ctx.vnet.resource_group,
            ctx.vnet.name
        ),
        "DELETING" | "DELETED" | "DELETED_BY_PEER" => {
            bail!("the peering connection is {}: run again to create a new one once it is gone", c.state)
        }
        _ => Ok(()),
    }
}

fn pending_of(c: &Connection, st: &StateFile) -> Pending {
    Pending {
        state: c.state.clone(),
        provider_tenant: c.info("to-tenant-id").map(str::to_string).or_else(|| st.state.provider_tenant_id.clone()),
        provider_vnet: c.info("to-network-id").map(str::to_string).or_else(|| st.state.provider_vnet_id.clone()),
    }
}

/// Polls until `ready` accepts the connection, failing on a state that needs a fix.
async fn wait_until(
    ctx: &Ctx,
    first: &Connection,
    ready: impl Fn(&Connection) -> bool,
) -> anyhow::Result<(Connection, bool)> {
    let deadline = Instant::now() + ctx.wait;
    let id = first.peering_connection_id.clone();
    let mut waited = false;
    loop {
        let Some(c) = find(ctx, id.as_deref()).await? else {
            bail!("the peering connection disappeared from project VPC {} (deleted?)", ctx.vpc_id);
        };
        check_failed(ctx, &c)?;
        if ready(&c) {
            return Ok((c, waited));
        }
        if Instant::now() >= deadline {
            bail!(
                "the peering connection is still {} after {} s: {}. Run again to keep waiting",
                c.state,
                ctx.wait.as_secs(),
                c.message()
            );
        }
        waited = true;
        tokio::time::sleep(ctx.poll).await;
    }
}

/// Step 12: the provider builds its side; PENDING_PEER tells where it is.
pub async fn wait_pending_peer(
    ctx: &Ctx,
    p: &mut Progress,
    st: &mut StateFile,
    c: Option<&Connection>,
) -> anyhow::Result<Pending> {
    let pending = p
        .step(12, "wait for the provider's side of the peering (PENDING_PEER)", async {
            let Some(c) = c else { return Ok((Outcome::Would("wait for PENDING_PEER".into()), Pending::default())) };
            if ctx.dry_run {
                let now = find(ctx, c.peering_connection_id.as_deref()).await?.unwrap_or_else(|| c.clone());
                check_failed(ctx, &now)?;
                return Ok(match now.state.as_str() {
                    "PENDING_PEER" | "ACTIVE" => (Outcome::AlreadyDone(describe(&now)), pending_of(&now, st)),
                    _ => (Outcome::Would(format!("wait for PENDING_PEER ({})", describe(&now))), pending_of(&now, st)),
                });
            }
            let (now, waited) = wait_until(ctx, c, |c| matches!(c.state.as_str(), "PENDING_PEER" | "ACTIVE")).await?;
            let pending = pending_of(&now, st);
            if now.state == "PENDING_PEER" && (pending.provider_tenant.is_none() || pending.provider_vnet.is_none()) {
                bail!("the connection is PENDING_PEER but its state_info lacks to-tenant-id or to-network-id");
            }
            let detail = match &pending.provider_vnet {
                Some(v) => format!("{}; the provider's VNet is {v}", describe(&now)),
                None => describe(&now),
            };
            Ok((if waited { Outcome::Waited(detail) } else { Outcome::AlreadyDone(detail) }, pending))
        })
        .await?;
    if !pending.state.is_empty() && !ctx.dry_run {
        st.state.provider_tenant_id = pending.provider_tenant.clone().or(st.state.provider_tenant_id.take());
        st.state.provider_vnet_id = pending.provider_vnet.clone().or(st.state.provider_vnet_id.take());
        st.complete(12)?;
    }
    Ok(pending)
}

/// Step 15: the provider sees both sides Connected and makes the connection ACTIVE.
pub async fn wait_active(
    ctx: &Ctx,
    p: &mut Progress,
    st: &mut StateFile,
    c: Option<&Connection>,
    pending: &Pending,
) -> anyhow::Result<String> {
    let state = p
        .step(15, "wait for the connection to become ACTIVE", async {
            let Some(c) = c else { return Ok((Outcome::Would("wait for ACTIVE".into()), "(not created)".into())) };
            if ctx.dry_run {
                return Ok(match pending.state.as_str() {
                    "ACTIVE" => (Outcome::AlreadyDone(describe(c)), "ACTIVE".to_string()),
                    s => (Outcome::Would("wait for ACTIVE".into()), s.to_string()),
                });
            }
            let (now, waited) = wait_until(ctx, c, |c| c.state == "ACTIVE").await?;
            let detail = describe(&now);
            Ok((if waited { Outcome::Waited(detail) } else { Outcome::AlreadyDone(detail) }, now.state))
        })
        .await?;
    if state == "ACTIVE" && !ctx.dry_run {
        st.complete(15)?;
    }
    Ok(state)
}

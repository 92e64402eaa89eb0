//! The control plane's side: create the peering connection (step 11), wait for the provider's
//! side to be built (step 12, PENDING_PEER) and, after the customer's peering, for ACTIVE (step 15).

use super::connect::Ctx;
use super::progress::{Outcome, Progress, STEPS};
use super::state_file::StateFile;
use crate::commands::wait_progress::Progress as WaitProgress;
use crate::control_plane_api::wait::{self, is_live, Hopeless, Reached, TimedOut, Wait};
use crate::control_plane_api::{ApiError, Connection, ConnectionState, NewConnection};
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
    let vpc = ctx.api.vpc(&ctx.vpc_id).await?;
    let by_id = |c: &&Connection| id.is_some_and(|id| c.peering_connection_id.to_string().eq_ignore_ascii_case(id));
    let found =
        vpc.peering_connections.iter().find(by_id).or_else(|| vpc.peering_connections.iter().find(|c| is_mine(ctx, c)));
    Ok(found.cloned())
}

/// Live, and to this VNet (Azure names compare without regard to case).
pub fn is_mine(ctx: &Ctx, c: &Connection) -> bool {
    let v = &ctx.vnet;
    is_live(c)
        && c.peer_cloud_account.eq_ignore_ascii_case(&v.subscription)
        && c.peer_vpc.eq_ignore_ascii_case(&v.name)
        && c.peer_resource_group.eq_ignore_ascii_case(&v.resource_group)
}

fn describe(c: &Connection) -> String {
    format!("connection {} is {}", c.peering_connection_id, c.state)
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
                peer_cloud_account: ctx.vnet.subscription.clone(),
                peer_resource_group: ctx.vnet.resource_group.clone(),
                peer_vpc: ctx.vnet.name.clone(),
                peer_azure_app_id: app.app_id.clone(),
                peer_azure_tenant_id: ctx.tenant.clone(),
                peer_region: None,
                user_peer_network_cidrs: vec![],
            };
            match ctx.api.create_connection(&ctx.vpc_id, &new).await {
                Ok(c) => Ok((Outcome::Changed(describe(&c)), Some(c))),
                // 409: a live connection already holds this VNet's slot.
                Err(e) if e.downcast_ref::<ApiError>().is_some_and(|a| a.status.as_u16() == 409) => {
                    match find(ctx, None).await? {
                        Some(c) => {
                            check_app(ctx, &c, Some(app))?;
                            Ok((Outcome::AlreadyDone(describe(&c)), Some(c)))
                        }
                        None => {
                            bail!("the control plane says the connection exists, but the project VPC does not list it")
                        }
                    }
                }
                Err(e) => Err(e.context("creating the peering connection")),
            }
        })
        .await?;
    if let Some(c) = &c {
        st.state.connection_id = Some(c.peering_connection_id.to_string());
        st.complete(11)?;
    }
    Ok(c)
}

/// A connection made for another app cannot be completed with this one.
fn check_app(ctx: &Ctx, c: &Connection, app: Option<&Application>) -> anyhow::Result<()> {
    let (theirs, Some(ours)) = (c.peer_azure_app_id.as_str(), app) else { return Ok(()) };
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
    use ConnectionState::*;
    match c.state {
        InvalidSpecification | RejectedByPeer | Error => bail!(
            "the peering connection is {}: {}\nFix that, delete the connection (isthmus vpc peering-connection delete \
             --project-vpc-id {} --peer-cloud-account {} --peer-resource-group {} --peer-vpc {}) and run again",
            c.state,
            wait::message(c),
            ctx.vpc_id,
            ctx.vnet.subscription,
            ctx.vnet.resource_group,
            ctx.vnet.name
        ),
        Deleting | Deleted | DeletedByPeer => {
            bail!("the peering connection is {}: run again to create a new one once it is gone", c.state)
        }
        _ => Ok(()),
    }
}

fn pending_of(c: &Connection, st: &StateFile) -> Pending {
    let info = c.state_info.as_ref();
    Pending {
        state: c.state.as_str().to_string(),
        provider_tenant: info.and_then(|i| i.to_tenant_id.clone()).or_else(|| st.state.provider_tenant_id.clone()),
        provider_vnet: info.and_then(|i| i.to_network_id.clone()).or_else(|| st.state.provider_vnet_id.clone()),
    }
}

/// Waits (the shared loop) until the connection is in one of `targets`, failing on a state that
/// needs a fix, with a spinner showing the state and the time waited on step `n`'s line. Says
/// whether it had to wait.
async fn wait_until(
    ctx: &Ctx,
    first: &Connection,
    targets: &[ConnectionState],
    (n, title): (u8, &str),
) -> anyhow::Result<(Connection, bool)> {
    let w = Wait { vpc: &ctx.vpc_id, targets, timeout: ctx.wait, poll: ctx.poll };
    let wanted = targets.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(" or ");
    let mut progress = WaitProgress::new(&wanted, Some(format!("[{n:>2}/{STEPS}] {title} …")), Instant::now());
    let mut readings = 0;
    let seen = |c: &Connection| {
        readings += 1;
        progress.state(c.state.as_str());
    };
    let reached = wait::until(&ctx.api, &w, Some(first.peering_connection_id), |_| None, seen).await;
    drop(progress);
    match reached {
        Ok(Reached::Listed(c)) => Ok((*c, readings > 1)),
        Ok(Reached::Gone) => bail!("the peering connection disappeared from project VPC {} (deleted?)", ctx.vpc_id),
        Err(e) => {
            if let Some(h) = e.downcast_ref::<Hopeless>() {
                check_failed(ctx, &h.connection)?;
            }
            if let Some(t) = e.downcast_ref::<TimedOut>() {
                if let Some(c) = &t.connection {
                    bail!(
                        "the peering connection is still {} after {} s: {}. Run again to keep waiting",
                        c.state,
                        ctx.wait.as_secs(),
                        wait::message(c)
                    );
                }
            }
            Err(e)
        }
    }
}

/// Step 12: the provider builds its side; PENDING_PEER tells where it is.
pub async fn wait_pending_peer(
    ctx: &Ctx,
    p: &mut Progress,
    st: &mut StateFile,
    c: Option<&Connection>,
) -> anyhow::Result<Pending> {
    const TITLE: &str = "wait for the provider's side of the peering (PENDING_PEER)";
    let pending = p
        .step(12, TITLE, async {
            let Some(c) = c else { return Ok((Outcome::Would("wait for PENDING_PEER".into()), Pending::default())) };
            if ctx.dry_run {
                let now = find(ctx, Some(&c.peering_connection_id.to_string())).await?.unwrap_or_else(|| c.clone());
                check_failed(ctx, &now)?;
                return Ok(match now.state {
                    ConnectionState::PendingPeer | ConnectionState::Active => {
                        (Outcome::AlreadyDone(describe(&now)), pending_of(&now, st))
                    }
                    _ => (Outcome::Would(format!("wait for PENDING_PEER ({})", describe(&now))), pending_of(&now, st)),
                });
            }
            let (now, waited) =
                wait_until(ctx, c, &[ConnectionState::PendingPeer, ConnectionState::Active], (12, TITLE)).await?;
            let pending = pending_of(&now, st);
            if now.state == ConnectionState::PendingPeer
                && (pending.provider_tenant.is_none() || pending.provider_vnet.is_none())
            {
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
    const TITLE: &str = "wait for the connection to become ACTIVE";
    let state = p
        .step(15, TITLE, async {
            let Some(c) = c else { return Ok((Outcome::Would("wait for ACTIVE".into()), "(not created)".into())) };
            if ctx.dry_run {
                return Ok(match pending.state.as_str() {
                    "ACTIVE" => (Outcome::AlreadyDone(describe(c)), "ACTIVE".to_string()),
                    s => (Outcome::Would("wait for ACTIVE".into()), s.to_string()),
                });
            }
            let (now, waited) = wait_until(ctx, c, &[ConnectionState::Active], (15, TITLE)).await?;
            let detail = describe(&now);
            Ok((
                if waited { Outcome::Waited(detail) } else { Outcome::AlreadyDone(detail) },
                now.state.as_str().to_string(),
            ))
        })
        .await?;
    if state == "ACTIVE" && !ctx.dry_run {
        st.complete(15)?;
    }
    Ok(state)
}

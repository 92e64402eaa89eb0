//! The customer's side of the peering: log the app in to both tenants with its secret (step 13)
//! and create the peering from the customer's VNet to the provider's, with an auxiliary token for
//! the provider's tenant (step 14).

use super::connect::Ctx;
use super::connection_steps::Pending;
use super::progress::{Outcome, Progress};
use super::propagation;
use super::state_file::StateFile;
use anyhow::{bail, Context};
use azure_client::graph::Application;
use azure_client::{
    ArmClient, AzureError, ClientSecretCredential, Peering, PeeringState, Secret, Tenants, TokenCredential,
    AADSTS_INVALID_SECRET,
};
use std::sync::Arc;

pub fn peering_name(vpc_id: &str) -> String {
    format!("to-{vpc_id}")
}

/// Our peering as it is, read as the administrator.
async fn existing(ctx: &Ctx) -> anyhow::Result<Option<Peering>> {
    let name = peering_name(&ctx.vpc_id);
    ctx.arm.get_peering(&ctx.tenant, &ctx.vnet.id, &name).await.context("reading your side of the peering")
}

/// Nothing left to do on the customer's side: our peering exists, points at the provider's VNet
/// (when we know it) and is not Disconnected.
fn in_place(p: &Peering, pending: &Pending) -> bool {
    let same_remote = pending.provider_vnet.as_deref().is_none_or(|v| p.remote_vnet_id.eq_ignore_ascii_case(v));
    same_remote && p.peering_state != PeeringState::Disconnected
}

fn providers(pending: &Pending) -> anyhow::Result<(&str, &str)> {
    match (pending.provider_tenant.as_deref(), pending.provider_vnet.as_deref()) {
        (Some(t), Some(v)) => Ok((t, v)),
        _ => bail!(
            "your side of the peering is missing, and the connection ({}) does not say where the provider's VNet is \
             (state_info to-tenant-id, to-network-id): wait until the control plane notices and moves it back to \
             PENDING_PEER, then run again",
            pending.state
        ),
    }
}

/// Step 13: client-credential tokens for the app in the customer's tenant and the provider's,
/// waiting out replication of the new secret and of the app's SP in the provider's tenant.
pub async fn log_in_app(
    ctx: &Ctx,
    p: &mut Progress,
    st: &mut StateFile,
    app: Option<&Application>,
    secret: Option<Secret>,
    pending: &Pending,
) -> anyhow::Result<Option<ArmClient>> {
    let arm = p
        .step(13, "log the app in to your tenant and the provider's", async {
            if !pending.state.is_empty() {
                if let Some(peering) = existing(ctx).await?.filter(|x| in_place(x, pending)) {
                    let d = format!("your peering {} exists ({:?})", peering.name, peering.peering_state);
                    return Ok((Outcome::AlreadyDone(d), None));
                }
                if pending.state == "ACTIVE" {
                    providers(pending)?;
                }
            }
            let (Some(app), Some(secret)) = (app, secret) else {
                return Ok((Outcome::Would("log the app in to both tenants".into()), None));
            };
            if ctx.dry_run || !matches!(pending.state.as_str(), "PENDING_PEER" | "ACTIVE") {
                return Ok((Outcome::Would("log the app in to both tenants".into()), None));
            }
            let (provider_tenant, _) = providers(pending)?;
            let cred = Arc::new(ClientSecretCredential::new(&ctx.endpoints, app.app_id.clone(), secret)?);
            let transient = |e: &AzureError| e.is_propagation() || e.aadsts() == Some(AADSTS_INVALID_SECRET);
            for tenant in [ctx.tenant.as_str(), provider_tenant] {
                propagation::retry(ctx.propagation, transient, || cred.token(tenant, &ctx.endpoints.arm_scope))
                    .await
                    .map_err(|e| login_hint(e, ctx, &app.app_id, tenant))?;
            }
            let arm = ArmClient::new(&ctx.endpoints, cred)?;
            Ok((Outcome::Done(format!("tenants {} and {provider_tenant}", ctx.tenant)), Some(arm)))
        })
        .await?;
    if arm.is_some() {
        st.complete(13)?;
    }
    Ok(arm)
}

fn login_hint(e: AzureError, ctx: &Ctx, app_id: &str, tenant: &str) -> anyhow::Error {
    let hint = if e.aadsts() == Some(AADSTS_INVALID_SECRET) {
        format!(
            "the secret in {} is not valid for app {app_id}: delete that file and run again to make a new one \
             (guide step 4)",
            ctx.secrets.display()
        )
    } else if e.is_propagation() && !tenant.eq_ignore_ascii_case(&ctx.tenant) {
        format!(
            "app {app_id} has no service principal in the provider's tenant {tenant} yet: the provider makes it while \
             the connection goes to PENDING_PEER; run again later"
        )
    } else {
        format!("logging app {app_id} in to tenant {tenant} (guide step 13)")
    };
    anyhow::Error::new(e).context(hint)
}

/// Step 14: the peering from the customer's VNet to the provider's, named `to-<project VPC id>`.
pub async fn create_peering(
    ctx: &Ctx,
    p: &mut Progress,
    st: &mut StateFile,
    app_arm: Option<&ArmClient>,
    pending: &Pending,
) -> anyhow::Result<()> {
    let name = peering_name(&ctx.vpc_id);
    let done = p
        .step(14, &format!("create the peering {name} from your VNet to the provider's"), async {
            let found = if pending.state.is_empty() { None } else { existing(ctx).await? };
            if let Some(peering) = found.as_ref().filter(|x| in_place(x, pending)) {
                return Ok((Outcome::AlreadyDone(format!("{:?}", peering.peering_state)), true));
            }
            let Some(arm) = app_arm.filter(|_| !ctx.dry_run) else {
                return Ok((Outcome::Would(format!("create the peering {name}")), false));
            };
            let (provider_tenant, provider_vnet) = providers(pending)?;
            if found.is_some() {
                // Disconnected, or pointing elsewhere: ARM wants it re-created.
                ctx.arm.delete_peering(&ctx.tenant, &ctx.vnet.id, &name).await.context("deleting your old peering")?;
            }
            let tenants = Tenants::new(ctx.tenant.clone()).with_auxiliary([provider_tenant])?;
            let made = propagation::retry(ctx.propagation, propagation::is_propagation, || {
                arm.put_peering(&tenants, &ctx.vnet.id, &name, provider_vnet)
            })
            .await
            .map_err(|e| peering_hint(e, ctx))?;
            Ok((Outcome::Changed(format!("{:?}", made.peering_state)), true))
        })
        .await?;
    if done && !ctx.dry_run {
        st.complete(14)?;
    }
    Ok(())
}

fn peering_hint(e: AzureError, ctx: &Ctx) -> anyhow::Error {
    let hint = if e.is_arm_code("AuthorizationFailed") {
        format!("your app may not create peerings on {}: check its role on the VNet (guide step 6)", ctx.vnet.id)
    } else if e.is_arm_code("LinkedAuthorizationFailed") {
        "your app may not peer with the provider's VNet yet: the provider grants that before PENDING_PEER; run again \
         later"
            .to_string()
    } else {
        "creating your side of the peering (guide step 14)".to_string()
    };
    anyhow::Error::new(e).context(hint)
}

//! RBAC: the app's role on the VNet (step 6), the provider's custom `peer/action` role (step 8) and
//! its assignment to the provider's service principal on the VNet (step 9).

use super::connect::Ctx;
use super::progress::{Outcome, Progress};
use super::propagation;
use super::roles::{self, AppRole, CustomRole};
use super::state_file::StateFile;
use azure_client::arm::RoleDefinition;
use azure_client::graph::ServicePrincipal;
use azure_client::AzureError;

/// Step 6: Network Contributor (or the minimal custom role) on the VNet for the app's SP.
pub async fn app_role(
    ctx: &Ctx,
    p: &mut Progress,
    st: &mut StateFile,
    app_sp: Option<&ServicePrincipal>,
) -> anyhow::Result<()> {
    let (title, custom) = match ctx.role {
        AppRole::NetworkContributor => ("grant the app Network Contributor on the VNet".to_string(), None),
        AppRole::Minimal => {
            let r = CustomRole::writer(&ctx.vnet.subscription);
            (format!("grant the app the custom role {} on the VNet", r.name), Some(r))
        }
    };
    let done = p
        .step(6, &title, async {
            let scope = ctx.vnet.subscription_scope();
            // The role definition: built in, or ours (found by name, made or brought up to date).
            let mut made_role = false;
            let role_id = match &custom {
                None => Some(roles::network_contributor_id(&ctx.vnet.subscription)),
                Some(r) => match r.find(&ctx.arm, &ctx.tenant, &scope).await? {
                    Some(d) if r.is_current(&d) => Some(d.id),
                    _ if ctx.dry_run => None,
                    existing => {
                        made_role = true;
                        Some(r.put(&ctx.arm, &ctx.tenant, &scope, existing.as_ref()).await?.id)
                    }
                },
            };
            let (Some(sp), Some(role_id)) = (app_sp, role_id) else {
                return Ok((
                    Outcome::Would("define the role and assign it to the app's service principal".into()),
                    false,
                ));
            };
            if let Some(a) = roles::find_assignment(&ctx.arm, &ctx.tenant, &ctx.vnet.id, &role_id, &sp.id).await? {
                let how = roles::describe(&a, &ctx.vnet.id);
                return Ok((if made_role { Outcome::Changed(how) } else { Outcome::AlreadyDone(how) }, true));
            }
            if ctx.dry_run {
                return Ok((Outcome::Would("assign the role to the app's service principal".into()), false));
            }
            propagation::retry(ctx.propagation, AzureError::is_propagation, || {
                roles::assign(&ctx.arm, &ctx.tenant, &ctx.vnet.id, &role_id, &sp.id)
            })
            .await
            .map_err(|e| authz_hint(e, ctx, 6))?;
            Ok((Outcome::Changed("assigned on the VNet".into()), true))
        })
        .await?;
    if done {
        st.complete(6)?;
    }
    Ok(())
}

/// Step 8: the custom role with only `peer/action`, assignable in the VNet's subscription.
pub async fn peer_role(ctx: &Ctx, p: &mut Progress, st: &mut StateFile) -> anyhow::Result<Option<RoleDefinition>> {
    let role = CustomRole::provider_peer(&ctx.vnet.subscription);
    let title = format!("define the custom role {} (peer/action only)", role.name);
    let def = p
        .step(8, &title, async {
            let scope = ctx.vnet.subscription_scope();
            let existing = role.find(&ctx.arm, &ctx.tenant, &scope).await?;
            match existing {
                Some(d) if role.is_current(&d) => Ok((Outcome::AlreadyDone(d.id.clone()), Some(d))),
                _ if ctx.dry_run => Ok((Outcome::Would("define the role".into()), None)),
                existing => {
                    let d = role
                        .put(&ctx.arm, &ctx.tenant, &scope, existing.as_ref())
                        .await
                        .map_err(|e| authz_hint(e, ctx, 8))?;
                    Ok((Outcome::Changed(d.id.clone()), Some(d)))
                }
            }
        })
        .await?;
    if let Some(d) = &def {
        st.state.peer_role_id = Some(d.id.clone());
        st.complete(8)?;
    }
    Ok(def)
}

/// Step 9: the custom role, assigned on the VNet to the provider's service principal.
pub async fn peer_assignment(
    ctx: &Ctx,
    p: &mut Progress,
    st: &mut StateFile,
    provider_sp: Option<&ServicePrincipal>,
    role: Option<&RoleDefinition>,
) -> anyhow::Result<()> {
    let done = p
        .step(9, "assign the custom role to the provider's service principal on the VNet", async {
            let (Some(sp), Some(role)) = (provider_sp, role) else {
                return Ok((Outcome::Would("assign the role".into()), false));
            };
            if let Some(a) = roles::find_assignment(&ctx.arm, &ctx.tenant, &ctx.vnet.id, &role.id, &sp.id).await? {
                return Ok((Outcome::AlreadyDone(roles::describe(&a, &ctx.vnet.id)), true));
            }
            if ctx.dry_run {
                return Ok((Outcome::Would("assign the role".into()), false));
            }
            propagation::retry(ctx.propagation, AzureError::is_propagation, || {
                roles::assign(&ctx.arm, &ctx.tenant, &ctx.vnet.id, &role.id, &sp.id)
            })
            .await
            .map_err(|e| authz_hint(e, ctx, 9))?;
            Ok((Outcome::Changed("assigned on the VNet".into()), true))
        })
        .await?;
    if done {
        st.complete(9)?;
    }
    Ok(())
}

/// ARM's 403: the signed-in user may not manage access on the VNet.
fn authz_hint(e: AzureError, ctx: &Ctx, step: u8) -> anyhow::Error {
    let denied = e.is_arm_code("AuthorizationFailed");
    let err = anyhow::Error::new(e);
    if denied {
        err.context(format!(
            "{} may not manage roles on {}: sign in as an Owner or User Access Administrator of subscription {} \
             (guide step {step})",
            ctx.user, ctx.vnet.id, ctx.vnet.subscription
        ))
    } else {
        err
    }
}

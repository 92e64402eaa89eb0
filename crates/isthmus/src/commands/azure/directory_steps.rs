//! The directory objects (Graph): the customer's multi-tenant app (step 2), its service principal
//! (step 3), its client secret (step 4), and the provider app's service principal in the
//! customer's tenant (step 7).

use super::connect::Ctx;
use super::progress::{Outcome, Progress};
use super::propagation;
use super::secret_file::StoredSecret;
use super::state_file::StateFile;
use anyhow::{bail, Context};
use azure_client::graph::{Application, ServicePrincipal};
use azure_client::{AzureError, Secret};

pub const MULTI_TENANT: &str = "AzureADMultipleOrgs";
const PASSWORD_NAME: &str = "isthmus azure connect";

pub fn app_name(vnet_name: &str) -> String {
    format!("isthmus-peering-{vnet_name}")
}

/// Step 2: the app, found by the id an earlier run recorded, else by display name, else registered.
pub async fn app(ctx: &Ctx, p: &mut Progress, st: &mut StateFile) -> anyhow::Result<Option<Application>> {
    let name = app_name(&ctx.vnet.name);
    let title = format!("register the multi-tenant app {name}");
    let app = p
        .step(2, &title, async {
            if let Some(app) = find_app(ctx, st, &name).await? {
                if app.sign_in_audience != MULTI_TENANT {
                    bail!(
                        "app {} ({name}) exists but signs in {}, not {MULTI_TENANT}: delete it, or make it multi-tenant \
                         (az ad app update --id {} --sign-in-audience {MULTI_TENANT}, guide step 2)",
                        app.app_id,
                        app.sign_in_audience,
                        app.app_id
                    );
                }
                return Ok((Outcome::AlreadyDone(format!("app id {}", app.app_id)), Some(app)));
            }
            if ctx.dry_run {
                return Ok((Outcome::Would(format!("register app {name} ({MULTI_TENANT})")), None));
            }
            let app = ctx
                .graph
                .create_application(&ctx.tenant, &name, MULTI_TENANT)
                .await
                .map_err(|e| graph_hint(e, "registering the app needs permission to register applications"))?;
            Ok((Outcome::Changed(format!("app id {}", app.app_id)), Some(app)))
        })
        .await?;
    if let Some(a) = &app {
        st.state.app_id = Some(a.app_id.clone());
        st.state.app_object_id = Some(a.id.clone());
        st.complete(2)?;
    }
    Ok(app)
}

async fn find_app(ctx: &Ctx, st: &StateFile, name: &str) -> anyhow::Result<Option<Application>> {
    if let Some(id) = &st.state.app_id {
        if let Some(app) = ctx.graph.get_application(&ctx.tenant, id).await? {
            return Ok(Some(app));
        }
    }
    let mut found = ctx.graph.find_applications_by_name(&ctx.tenant, name).await?;
    found.retain(|a| a.display_name.eq_ignore_ascii_case(name));
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop()),
        n => {
            // Several: the one whose secret we hold is ours.
            for a in &found {
                if ctx.secrets.load(&a.app_id)?.is_some() {
                    return Ok(Some(a.clone()));
                }
            }
            let ids: Vec<&str> = found.iter().map(|a| a.app_id.as_str()).collect();
            bail!(
                "{n} apps are named {name} ({}): delete the extra ones (az ad app delete --id …) and run again",
                ids.join(", ")
            )
        }
    }
}

/// Step 3: the app's service principal in the customer's tenant.
pub async fn app_sp(
    ctx: &Ctx,
    p: &mut Progress,
    st: &mut StateFile,
    app: Option<&Application>,
) -> anyhow::Result<Option<ServicePrincipal>> {
    let sp = p
        .step(3, "create the service principal of the app", async {
            let Some(app) = app else {
                return Ok((Outcome::Would("create the app's service principal".into()), None));
            };
            if let Some(sp) = ctx.graph.find_service_principal(&ctx.tenant, &app.app_id).await? {
                return Ok((Outcome::AlreadyDone(format!("object id {}", sp.id)), Some(sp)));
            }
            if ctx.dry_run {
                return Ok((Outcome::Would("create the app's service principal".into()), None));
            }
            // Right after registering, Graph may not know the app yet.
            let transient = |e: &AzureError| matches!(e, AzureError::Graph { status: 400 | 403 | 404, .. });
            let sp = propagation::retry(ctx.propagation, transient, || {
                ctx.graph.create_service_principal(&ctx.tenant, &app.app_id)
            })
            .await
            .map_err(|e| graph_hint(e, "creating the app's service principal (guide step 3)"))?;
            Ok((Outcome::Changed(format!("object id {}", sp.id)), Some(sp)))
        })
        .await?;
    if let Some(sp) = &sp {
        st.state.app_sp_id = Some(sp.id.clone());
        st.complete(3)?;
    }
    Ok(sp)
}

/// Step 4: a client secret, made only when none is stored locally for this app (Graph never shows
/// an existing one again), and stored before anything else happens.
pub async fn secret(
    ctx: &Ctx,
    p: &mut Progress,
    st: &mut StateFile,
    app: Option<&Application>,
) -> anyhow::Result<Option<Secret>> {
    let secret = p
        .step(4, "create a client secret for the app", async {
            let Some(app) = app else {
                return Ok((Outcome::Would(format!("create a secret and keep it in {}", ctx.secrets.display())), None));
            };
            if let Some(s) = ctx.secrets.load(&app.app_id)? {
                if app.password_credentials.iter().any(|c| c.key_id.eq_ignore_ascii_case(&s.key_id)) {
                    return Ok((Outcome::AlreadyDone(format!("kept in {}", ctx.secrets.display())), Some(s.secret)));
                }
            }
            if ctx.dry_run {
                return Ok((Outcome::Would(format!("create a secret and keep it in {}", ctx.secrets.display())), None));
            }
            let added = ctx
                .graph
                .add_password(&ctx.tenant, &app.id, Some(PASSWORD_NAME))
                .await
                .map_err(|e| graph_hint(e, "adding a password to the app (guide step 4)"))?;
            let stored = StoredSecret { app_id: app.app_id.clone(), key_id: added.key_id, secret: added.secret_text };
            ctx.secrets.store(&ctx.tenant, &stored).with_context(|| {
                format!("keeping the new secret in {} (it is lost; run again to make another)", ctx.secrets.display())
            })?;
            Ok((Outcome::Changed(format!("kept in {}", ctx.secrets.display())), Some(stored.secret)))
        })
        .await?;
    if let (Some(s), Some(app)) = (&secret, app) {
        if ctx.show_secret {
            println!("        client secret of app {}: {}", app.app_id, s.expose());
        }
        st.complete(4)?;
    }
    Ok(secret)
}

/// Step 7: the provider's app gets a service principal in the customer's tenant (needs Application
/// Administrator or Cloud Application Administrator).
pub async fn provider_sp(ctx: &Ctx, p: &mut Progress, st: &mut StateFile) -> anyhow::Result<Option<ServicePrincipal>> {
    let provider = ctx.provider_app_id.clone();
    let sp = p
        .step(7, &format!("create the service principal of the provider's app {provider}"), async {
            if let Some(sp) = ctx.graph.find_service_principal(&ctx.tenant, &provider).await? {
                return Ok((Outcome::AlreadyDone(format!("object id {}", sp.id)), Some(sp)));
            }
            if ctx.dry_run {
                return Ok((Outcome::Would("create the provider app's service principal".into()), None));
            }
            match ctx.graph.create_service_principal(&ctx.tenant, &provider).await {
                Ok(sp) => Ok((Outcome::Changed(format!("object id {}", sp.id)), Some(sp))),
                Err(e @ AzureError::Graph { status: 403, .. }) => Err(anyhow::Error::new(e).context(format!(
                    "{} may not create a service principal for another tenant's app: an Application Administrator \
                     or Cloud Application Administrator of tenant {} must run this (or az ad sp create --id \
                     {provider}, guide step 7)",
                    ctx.user, ctx.tenant
                ))),
                Err(e @ AzureError::Graph { status: 400, .. }) => Err(anyhow::Error::new(e).context(format!(
                    "the provider's app {provider} does not exist: check --provider-app-id (guide step 7)"
                ))),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    if let Some(sp) = &sp {
        st.state.provider_sp_id = Some(sp.id.clone());
        st.complete(7)?;
    }
    Ok(sp)
}

/// Graph's 403 means the signed-in user lacks a directory role.
fn graph_hint(e: AzureError, what: &str) -> anyhow::Error {
    let forbidden = matches!(e, AzureError::Graph { status: 403, .. });
    let err = anyhow::Error::new(e);
    if forbidden {
        err.context(format!("{what}: the signed-in user needs Application Administrator (or Application Developer)"))
    } else {
        err.context(what.to_string())
    }
}

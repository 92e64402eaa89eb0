//! `/applications`: list, create, read, update, delete, addPassword, removePassword.

use super::{created, no_content, ok, render, GraphCtx, Key};
use crate::error::EmulatorError;
use crate::model::directory::ApplicationPatch;
use crate::model::identity::SignInAudience;
use crate::wire::envelope::{ApiError, ApiResult, WithFlavor};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApplicationBody {
    display_name: Option<String>,
    sign_in_audience: Option<String>,
    identifier_uris: Option<Vec<String>>,
}

fn audience(raw: Option<&str>) -> ApiResult<Option<SignInAudience>> {
    raw.map(|s| {
        SignInAudience::parse(s).ok_or_else(|| {
            ApiError::graph(EmulatorError::GraphInvalidValue {
                property: "signInAudience".into(),
                resource: "application".into(),
            })
        })
    })
    .transpose()
}

/// The object id an application key names in the caller's tenant.
fn object_id(ctx: &GraphCtx, key: Key) -> ApiResult<Uuid> {
    let state = ctx.app.store.read();
    match key {
        Key::ObjectId(id) => Ok(id),
        Key::AppId(app_id) => state
            .applications
            .values()
            .find(|a| a.app_id == app_id && a.tenant_id == ctx.caller.tenant_id)
            .map(|a| a.id)
            .ok_or_else(|| ApiError::graph(EmulatorError::GraphResourceNotFound(app_id.to_string()))),
    }
}

pub fn list(ctx: &GraphCtx) -> ApiResult<Response> {
    ctx.ensure_can_read()?;
    let state = ctx.app.store.read();
    let items = state
        .applications
        .values()
        .filter(|a| a.tenant_id == ctx.caller.tenant_id)
        .map(|a| render::application(&state, a))
        .collect();
    ok(render::collection("applications", ctx.filtered(items)?))
}

pub fn create(ctx: &GraphCtx) -> ApiResult<Response> {
    let body: ApplicationBody = ctx.json()?;
    let name = body.display_name.ok_or_else(|| {
        ApiError::graph(EmulatorError::GraphInvalidValue {
            property: "displayName".into(),
            resource: "application".into(),
        })
    })?;
    let aud = audience(body.sign_in_audience.as_deref())?.unwrap_or(SignInAudience::AzureADMyOrg);
    let id = ctx
        .app
        .store
        .write(|s| {
            let id = s.create_application(&ctx.caller, &name, aud, ctx.now)?;
            if let Some(uris) = body.identifier_uris.clone() {
                s.update_application(
                    &ctx.caller,
                    id,
                    ApplicationPatch { identifier_uris: Some(uris), ..Default::default() },
                )?;
            }
            Ok(id)
        })
        .graph()?;
    let state = ctx.app.store.read();
    created(render::entity("applications", render::application(&state, &state.applications[&id])))
}

pub fn get(ctx: &GraphCtx, key: Key) -> ApiResult<Response> {
    ctx.ensure_can_read()?;
    let id = object_id(ctx, key)?;
    let state = ctx.app.store.read();
    let a = state.application_in_tenant(ctx.caller.tenant_id, id).graph()?;
    ok(render::entity("applications", render::application(&state, a)))
}

pub fn patch(ctx: &GraphCtx, key: Key) -> ApiResult<Response> {
    let id = object_id(ctx, key)?;
    let body: ApplicationBody = ctx.json()?;
    let patch = ApplicationPatch {
        display_name: body.display_name,
        sign_in_audience: audience(body.sign_in_audience.as_deref())?,
        identifier_uris: body.identifier_uris,
    };
    ctx.app.store.write(|s| s.update_application(&ctx.caller, id, patch)).graph()?;
    no_content()
}

pub fn delete(ctx: &GraphCtx, key: Key) -> ApiResult<Response> {
    let id = object_id(ctx, key)?;
    ctx.app.store.write(|s| s.delete_application(&ctx.caller, id)).graph()?;
    no_content()
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct AddPasswordBody {
    password_credential: Option<PasswordCredentialBody>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PasswordCredentialBody {
    display_name: Option<String>,
    start_date_time: Option<DateTime<Utc>>,
    end_date_time: Option<DateTime<Utc>>,
}

pub fn add_password(ctx: &GraphCtx, key: Key) -> ApiResult<Response> {
    let id = object_id(ctx, key)?;
    let body: AddPasswordBody =
        if ctx.body.iter().all(u8::is_ascii_whitespace) { AddPasswordBody::default() } else { ctx.json()? };
    let cred = body.password_credential.unwrap_or_default();
    let (stored, secret) = ctx
        .app
        .store
        .write(|s| {
            s.add_password(&ctx.caller, id, cred.display_name, cred.start_date_time, cred.end_date_time, ctx.now)
        })
        .graph()?;
    let mut v = render::password_credential(&stored, Some(&secret));
    v["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.passwordCredential".into();
    ok(v)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RemovePasswordBody {
    key_id: Uuid,
}

pub fn remove_password(ctx: &GraphCtx, key: Key) -> ApiResult<Response> {
    let id = object_id(ctx, key)?;
    let body: RemovePasswordBody = ctx.json()?;
    ctx.app.store.write(|s| s.remove_password(&ctx.caller, id, body.key_id)).graph()?;
    no_content()
}

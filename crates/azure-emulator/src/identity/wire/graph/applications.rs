//! `/applications`: list, create, read, update, delete, addPassword, removePassword.

use super::{created, no_content, ok, passes, render, GraphCtx};
use crate::error::EmulatorError;
use crate::identity::directory::{ApplicationPatch, ObjectKey};
use crate::identity::objects::SignInAudience;
use crate::identity::properties::{self, Properties};
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

/// A create or PATCH body: the modelled fields, and the properties stored as sent.
fn read_body(ctx: &GraphCtx) -> ApiResult<(ApplicationBody, Properties)> {
    let mut map: serde_json::Map<String, serde_json::Value> = ctx.json()?;
    let stored = properties::split(&properties::APPLICATION, &mut map).graph()?;
    let body = serde_json::from_value(map.into())
        .map_err(|e| ApiError::graph(EmulatorError::GraphBadRequest(e.to_string())))?;
    Ok((body, stored))
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

pub fn list(ctx: &GraphCtx) -> ApiResult<Response> {
    let filter = ctx.filter()?;
    let apps = ctx.state.list_applications(&ctx.caller, |a| passes(&filter, a)).graph()?;
    ok(render::collection("applications", apps.into_iter().map(|a| render::application(&ctx.state, a)).collect()))
}

pub fn create(ctx: &GraphCtx) -> ApiResult<Response> {
    let (body, stored) = read_body(ctx)?;
    let name = body.display_name.ok_or_else(|| {
        ApiError::graph(EmulatorError::GraphInvalidValue {
            property: "displayName".into(),
            resource: "application".into(),
        })
    })?;
    let aud = audience(body.sign_in_audience.as_deref())?.unwrap_or(SignInAudience::AzureADMyOrg);
    let (id, state) = ctx.commit(|s| {
        let id = s.create_application(&ctx.caller, &name, aud, ctx.now)?;
        let patch = ApplicationPatch {
            identifier_uris: body.identifier_uris.clone(),
            properties: stored,
            ..Default::default()
        };
        s.update_application(&ctx.caller, ObjectKey::ObjectId(id), patch)?;
        Ok(id)
    })?;
    let app = state.find_application(&ctx.caller, ObjectKey::ObjectId(id)).graph()?;
    created(render::entity("applications", render::application(&state, app)))
}

pub fn get(ctx: &GraphCtx, key: ObjectKey) -> ApiResult<Response> {
    let a = ctx.state.read_application(&ctx.caller, key).graph()?;
    ok(render::entity("applications", render::application(&ctx.state, a)))
}

pub fn patch(ctx: &GraphCtx, key: ObjectKey) -> ApiResult<Response> {
    let (body, stored) = read_body(ctx)?;
    let patch = ApplicationPatch {
        display_name: body.display_name,
        sign_in_audience: audience(body.sign_in_audience.as_deref())?,
        identifier_uris: body.identifier_uris,
        properties: stored,
    };
    ctx.commit(|s| s.update_application(&ctx.caller, key, patch))?;
    no_content()
}

pub fn delete(ctx: &GraphCtx, key: ObjectKey) -> ApiResult<Response> {
    ctx.commit(|s| s.delete_application(&ctx.caller, key))?;
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

pub fn add_password(ctx: &GraphCtx, key: ObjectKey) -> ApiResult<Response> {
    let body: AddPasswordBody =
        if ctx.body.iter().all(u8::is_ascii_whitespace) { AddPasswordBody::default() } else { ctx.json()? };
    let cred = body.password_credential.unwrap_or_default();
    let ((stored, secret), _) = ctx.commit(|s| {
        s.add_password(&ctx.caller, key, cred.display_name, cred.start_date_time, cred.end_date_time, ctx.now)
    })?;
    let mut v = render::password_credential(&stored, Some(&secret));
    v["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.passwordCredential".into();
    ok(v)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RemovePasswordBody {
    key_id: Uuid,
}

pub fn remove_password(ctx: &GraphCtx, key: ObjectKey) -> ApiResult<Response> {
    let body: RemovePasswordBody = ctx.json()?;
    ctx.commit(|s| s.remove_password(&ctx.caller, key, body.key_id))?;
    no_content()
}

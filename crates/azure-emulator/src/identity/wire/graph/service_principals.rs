//! `/servicePrincipals`: list, create (the cross-tenant rules live in the model), read, update,
//! delete. Properties the emulator does not model are stored as sent (`identity::properties`).

use super::{created, no_content, ok, passes, render, GraphCtx};
use crate::error::EmulatorError;
use crate::identity::directory::ObjectKey;
use crate::identity::properties::{self, Properties};
use crate::model::names;
use crate::wire::envelope::{ApiError, ApiResult, WithFlavor};
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

pub fn list(ctx: &GraphCtx) -> ApiResult<Response> {
    let filter = ctx.filter()?;
    let sps = ctx.state.list_service_principals(&ctx.caller, |s| passes(&filter, s)).graph()?;
    let items = sps.iter().map(|s| render::service_principal(&ctx.state, s)).collect();
    ok(render::collection("servicePrincipals", items))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    app_id: Option<String>,
    account_enabled: Option<bool>,
    display_name: Option<String>,
}

/// The modelled fields and the stored properties of a body. `accountEnabled` and `displayName` are
/// the directory's to set (from the app); a body that tries to change them is refused, not ignored.
fn read_body(ctx: &GraphCtx) -> ApiResult<(Body, Properties)> {
    let mut map: serde_json::Map<String, serde_json::Value> = ctx.json()?;
    let stored = properties::split(&properties::SERVICE_PRINCIPAL, &mut map).graph()?;
    let body: Body = serde_json::from_value(map.into())
        .map_err(|e| ApiError::graph(EmulatorError::GraphBadRequest(e.to_string())))?;
    if body.account_enabled == Some(false) || body.display_name.is_some() {
        let property = if body.display_name.is_some() { "displayName" } else { "accountEnabled" };
        return Err(ApiError::graph(EmulatorError::GraphInvalidValueBecause {
            property: property.into(),
            resource: "servicePrincipal".into(),
            reason: "the emulator takes it from the application and does not model changing it.".into(),
        }));
    }
    Ok((body, stored))
}

pub fn create(ctx: &GraphCtx) -> ApiResult<Response> {
    let (body, stored) = read_body(ctx)?;
    let raw = body.app_id.unwrap_or_default();
    let app_id = Uuid::parse_str(&raw)
        .map_err(|_| ApiError::graph(EmulatorError::NoBackingApplicationObject(names::printable(&raw))))?;
    let (id, state) = ctx.commit(|s| s.create_service_principal(&ctx.caller, app_id, stored, ctx.now))?;
    let sp = state.find_service_principal(&ctx.caller, ObjectKey::ObjectId(id)).graph()?;
    created(render::entity("servicePrincipals", render::service_principal(&state, &sp)))
}

pub fn get(ctx: &GraphCtx, key: ObjectKey) -> ApiResult<Response> {
    let sp = ctx.state.read_service_principal(&ctx.caller, key).graph()?;
    ok(render::entity("servicePrincipals", render::service_principal(&ctx.state, &sp)))
}

pub fn patch(ctx: &GraphCtx, key: ObjectKey) -> ApiResult<Response> {
    let (body, stored) = read_body(ctx)?;
    if body.app_id.is_some() {
        return Err(ApiError::graph(EmulatorError::GraphInvalidValue {
            property: "appId".into(),
            resource: "servicePrincipal".into(),
        }));
    }
    ctx.commit(|s| s.update_service_principal(&ctx.caller, key, stored))?;
    no_content()
}

pub fn delete(ctx: &GraphCtx, key: ObjectKey) -> ApiResult<Response> {
    ctx.commit(|s| s.delete_service_principal(&ctx.caller, key))?;
    no_content()
}

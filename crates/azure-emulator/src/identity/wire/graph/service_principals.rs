//! `/servicePrincipals`: list, create (the cross-tenant rules live in the model), read, delete.

use super::{created, no_content, ok, passes, render, GraphCtx};
use crate::error::EmulatorError;
use crate::identity::directory::ObjectKey;
use crate::model::names;
use crate::wire::envelope::{ApiError, ApiResult, WithFlavor};
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

pub fn list(ctx: &GraphCtx) -> ApiResult<Response> {
    let filter = ctx.filter()?;
    let sps = ctx.state.list_service_principals(&ctx.caller, |s| passes(&filter, s)).graph()?;
    let items = sps.into_iter().map(|s| render::service_principal(&ctx.state, s)).collect();
    ok(render::collection("servicePrincipals", items))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateBody {
    app_id: Option<String>,
}

pub fn create(ctx: &GraphCtx) -> ApiResult<Response> {
    let body: CreateBody = ctx.json()?;
    let raw = body.app_id.unwrap_or_default();
    let app_id = Uuid::parse_str(&raw)
        .map_err(|_| ApiError::graph(EmulatorError::NoBackingApplicationObject(names::printable(&raw))))?;
    let (id, state) = ctx.commit(|s| s.create_service_principal(&ctx.caller, app_id, ctx.now))?;
    let sp = state.find_service_principal(&ctx.caller, ObjectKey::ObjectId(id)).graph()?;
    created(render::entity("servicePrincipals", render::service_principal(&state, sp)))
}

pub fn get(ctx: &GraphCtx, key: ObjectKey) -> ApiResult<Response> {
    let sp = ctx.state.read_service_principal(&ctx.caller, key).graph()?;
    ok(render::entity("servicePrincipals", render::service_principal(&ctx.state, sp)))
}

pub fn delete(ctx: &GraphCtx, key: ObjectKey) -> ApiResult<Response> {
    ctx.commit(|s| s.delete_service_principal(&ctx.caller, key))?;
    no_content()
}

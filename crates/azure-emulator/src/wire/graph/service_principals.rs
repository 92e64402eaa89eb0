//! `/servicePrincipals`: list, create (the cross-tenant rules live in the model), read, delete.

use super::{created, no_content, ok, render, GraphCtx, Key};
use crate::error::EmulatorError;
use crate::wire::envelope::{ApiError, ApiResult, WithFlavor};
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

fn object_id(ctx: &GraphCtx, key: Key) -> ApiResult<Uuid> {
    let state = ctx.app.store.read();
    let found = match key {
        Key::ObjectId(id) => {
            state.service_principals.get(&id).filter(|s| s.tenant_id == ctx.caller.tenant_id).map(|s| s.id)
        }
        Key::AppId(app_id) => state.service_principal_for(ctx.caller.tenant_id, app_id).map(|s| s.id),
    };
    found.ok_or_else(|| ApiError::graph(EmulatorError::GraphResourceNotFound("servicePrincipal".into())))
}

pub fn list(ctx: &GraphCtx) -> ApiResult<Response> {
    ctx.ensure_can_read()?;
    let state = ctx.app.store.read();
    let items = state
        .service_principals
        .values()
        .filter(|s| s.tenant_id == ctx.caller.tenant_id)
        .map(|s| render::service_principal(&state, s))
        .collect();
    ok(render::collection("servicePrincipals", ctx.filtered(items)?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateBody {
    app_id: Option<String>,
}

pub fn create(ctx: &GraphCtx) -> ApiResult<Response> {
    let body: CreateBody = ctx.json()?;
    let raw = body.app_id.unwrap_or_default();
    let app_id =
        Uuid::parse_str(&raw).map_err(|_| ApiError::graph(EmulatorError::NoBackingApplicationObject(raw.clone())))?;
    let id = ctx.app.store.write(|s| s.create_service_principal(&ctx.caller, app_id, ctx.now)).graph()?;
    let state = ctx.app.store.read();
    created(render::entity("servicePrincipals", render::service_principal(&state, &state.service_principals[&id])))
}

pub fn get(ctx: &GraphCtx, key: Key) -> ApiResult<Response> {
    ctx.ensure_can_read()?;
    let id = object_id(ctx, key)?;
    let state = ctx.app.store.read();
    ok(render::entity("servicePrincipals", render::service_principal(&state, &state.service_principals[&id])))
}

pub fn delete(ctx: &GraphCtx, key: Key) -> ApiResult<Response> {
    let id = object_id(ctx, key)?;
    ctx.app.store.write(|s| s.delete_service_principal(&ctx.caller, id)).graph()?;
    no_content()
}

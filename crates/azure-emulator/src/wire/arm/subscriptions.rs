//! Subscriptions, tenants and resource groups.

use super::{deleted, list, ok, put_response, render, ArmCtx};
use crate::error::EmulatorError;
use crate::model::resources::ResourceGroup;
use crate::wire::envelope::{ApiError, ApiResult, WithFlavor};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

const RG_READ: &str = "Microsoft.Resources/subscriptions/resourceGroups/read";

/// Subscriptions of the token's tenant in which the caller holds any role assignment.
pub fn list_subscriptions(ctx: &ArmCtx) -> ApiResult<Response> {
    let state = ctx.state();
    let subs: Vec<_> =
        state.subscriptions_visible_to(&ctx.caller, ctx.now).into_iter().map(render::subscription).collect();
    ok(json!({ "count": {"type": "Total", "value": subs.len()}, "value": subs }))
}

/// The caller's own tenant (we model no guest memberships).
pub fn list_tenants(ctx: &ArmCtx) -> ApiResult<Response> {
    let state = ctx.state();
    let tenant = state.tenant(ctx.caller.tenant_id).arm()?;
    ok(json!({ "value": [render::tenant(tenant)] }))
}

pub fn get_subscription(ctx: &ArmCtx, id: Uuid) -> ApiResult<Response> {
    let state = ctx.state();
    match state.subscriptions_visible_to(&ctx.caller, ctx.now).into_iter().find(|s| s.id == id) {
        Some(s) => ok(render::subscription(s)),
        None => Err(ApiError::arm(EmulatorError::AuthorizationFailed {
            client: ctx.caller.display.clone(),
            object_id: ctx.caller.object_id.to_string(),
            action: "Microsoft.Resources/subscriptions/read".into(),
            scope: format!("/subscriptions/{id}"),
        })),
    }
}

pub fn list_groups(ctx: &ArmCtx, sub: Uuid) -> ApiResult<Response> {
    let state = ctx.state();
    let groups = state
        .resource_groups
        .values()
        .filter(|rg| rg.subscription_id == sub && ctx.allowed(RG_READ, &rg.id()))
        .map(render::resource_group)
        .collect();
    list(groups)
}

fn rg_scope(sub: Uuid, name: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{name}")
}

pub fn get_group(ctx: &ArmCtx, sub: Uuid, name: &str) -> ApiResult<Response> {
    ctx.authorize(RG_READ, &rg_scope(sub, name))?;
    let state = ctx.state();
    ok(render::resource_group(state.resource_group(sub, name).arm()?))
}

#[derive(Deserialize)]
struct GroupBody {
    location: Option<String>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
}

pub fn put_group(ctx: &ArmCtx, sub: Uuid, name: &str) -> ApiResult<Response> {
    ctx.authorize("Microsoft.Resources/subscriptions/resourceGroups/write", &rg_scope(sub, name))?;
    let body: GroupBody = ctx.json()?;
    let location = body.location.unwrap_or_default();
    let (rg, created): (ResourceGroup, bool) =
        ctx.app.store.write(|s| s.put_resource_group(sub, name, &location, body.tags)).arm()?;
    put_response(render::resource_group(&rg), created)
}

pub fn delete_group(ctx: &ArmCtx, sub: Uuid, name: &str) -> ApiResult<Response> {
    ctx.authorize("Microsoft.Resources/subscriptions/resourceGroups/delete", &rg_scope(sub, name))?;
    let existed = ctx.app.store.write(|s| s.delete_resource_group(sub, name)).arm()?;
    deleted(existed)
}

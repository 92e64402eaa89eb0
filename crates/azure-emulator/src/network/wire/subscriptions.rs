//! Subscriptions, tenants and resource groups.

use super::render;
use crate::error::EmulatorError;
use crate::wire::arm::{list, lro, ok, put_response, ArmCtx};
use crate::wire::envelope::{ApiError, ApiResult, WithFlavor};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Subscriptions of the token's tenant in which the caller holds any role assignment.
pub fn list_subscriptions(ctx: &ArmCtx) -> ApiResult<Response> {
    let c = &ctx.caller;
    let subs: Vec<_> =
        ctx.state.subscriptions_visible_to(&c.principal, c.now).into_iter().map(render::subscription).collect();
    ok(json!({ "count": {"type": "Total", "value": subs.len()}, "value": subs }))
}

/// The caller's own tenant (we model no guest memberships).
pub fn list_tenants(ctx: &ArmCtx) -> ApiResult<Response> {
    let tenant = ctx.state.tenant(ctx.caller.principal.tenant_id).arm()?;
    ok(json!({ "value": [render::tenant(tenant)] }))
}

pub fn get_subscription(ctx: &ArmCtx, id: Uuid) -> ApiResult<Response> {
    ok(render::subscription(ctx.state.read_subscription(&ctx.caller, id).arm()?))
}

pub fn list_groups(ctx: &ArmCtx, sub: Uuid) -> ApiResult<Response> {
    list(ctx, ctx.state.list_resource_groups(&ctx.caller, sub).into_iter(), render::resource_group)
}

pub fn get_group(ctx: &ArmCtx, sub: Uuid, name: &str) -> ApiResult<Response> {
    ok(render::resource_group(ctx.state.read_resource_group(&ctx.caller, sub, name).arm()?))
}

#[derive(Deserialize)]
struct GroupBody {
    location: Option<String>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
}

pub fn put_group(ctx: &ArmCtx, sub: Uuid, name: &str) -> ApiResult<Response> {
    let body: GroupBody = ctx.json()?;
    let location = body.location.unwrap_or_default();
    let ((rg, created), _) = ctx.commit(|s| s.put_resource_group(&ctx.caller, sub, name, &location, body.tags))?;
    put_response(render::resource_group(&rg), created)
}

/// Deleting a group is long-running in Azure: `202` and a `Location` to poll.
pub fn delete_group(ctx: &ArmCtx, sub: Uuid, name: &str) -> ApiResult<Response> {
    let (op, _) = ctx.commit(|s| {
        s.delete_resource_group(&ctx.caller, sub, name)?;
        Ok(s.record_operation("Succeeded", ctx.caller.now))
    })?;
    lro::group_delete(ctx, sub, op)
}

/// `HEAD` (`az group exists`): 204 when the group exists, 404 when not, no body either way.
pub fn head_group(ctx: &ArmCtx, sub: Uuid, name: &str) -> ApiResult<Response> {
    match ctx.state.read_resource_group(&ctx.caller, sub, name) {
        Ok(_) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(EmulatorError::ResourceGroupNotFound(_)) => Ok(StatusCode::NOT_FOUND.into_response()),
        Err(e) => Err(ApiError::arm(e)),
    }
}

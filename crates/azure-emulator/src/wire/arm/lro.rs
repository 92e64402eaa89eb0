//! Long-running operations as ARM presents them. The emulator finishes every operation inside the
//! request, but answers as Azure does — `Azure-AsyncOperation` on network writes, `202 Accepted`
//! with `Location` (and, for the network provider, `Azure-AsyncOperation`) on deletes — so clients
//! walk their real polling code; the records they poll live in the state (`network::operations`).

use super::ArmCtx;
use crate::error::EmulatorError;
use crate::model::State;
use crate::wire::envelope::{ApiError, ApiResult};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use uuid::Uuid;

/// The network provider's operation-status URL for `op` (what `Azure-AsyncOperation` names).
pub fn status_url(ctx: &ArmCtx, subscription: Uuid, location: &str, op: Uuid) -> String {
    network_url(ctx, subscription, location, "operations", op)
}

fn network_url(ctx: &ArmCtx, subscription: Uuid, location: &str, kind: &str, op: Uuid) -> String {
    format!(
        "{}/subscriptions/{subscription}/providers/Microsoft.Network/locations/{location}/{kind}/{op}?api-version={}",
        ctx.origin,
        ctx.api_version()
    )
}

fn header(resp: &mut Response, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(name, v);
    }
}

/// Adds `Azure-AsyncOperation` (and `Retry-After: 0`, the operation having finished) to a write.
pub fn with_status(mut resp: Response, url: &str) -> Response {
    header(&mut resp, "azure-asyncoperation", url);
    poll_now(resp)
}

/// A network delete: `202` with both polling headers when something was deleted (`op`), `204`
/// when there was nothing to delete.
pub fn network_delete(ctx: &ArmCtx, subscription: Uuid, location: &str, op: Option<Uuid>) -> ApiResult<Response> {
    let Some(op) = op else { return Ok(StatusCode::NO_CONTENT.into_response()) };
    let mut resp = with_status(StatusCode::ACCEPTED.into_response(), &status_url(ctx, subscription, location, op));
    header(&mut resp, "location", &network_url(ctx, subscription, location, "operationResults", op));
    Ok(resp)
}

/// A network delete as one write: `If-Match` / `If-None-Match` against `etag` (the resource's
/// current etag, `None` when it does not exist), then `delete` (true when something was deleted),
/// then an operation record to poll; answered as `network_delete`.
pub fn delete_network_resource(
    ctx: &ArmCtx,
    subscription: Uuid,
    location: &str,
    etag: impl Fn(&State) -> Option<String>,
    delete: impl FnOnce(&mut State) -> crate::Result<bool>,
) -> ApiResult<Response> {
    let (op, _) = ctx.commit(|s| {
        ctx.precondition.check(etag(s).as_deref())?;
        let existed = delete(s)?;
        Ok(existed.then(|| s.record_operation("Succeeded", ctx.caller.now)))
    })?;
    network_delete(ctx, subscription, location, op)
}

/// A resource group delete: `202` with `Location`, polled until it answers 200.
pub fn group_delete(ctx: &ArmCtx, subscription: Uuid, op: Uuid) -> ApiResult<Response> {
    let url =
        format!("{}/subscriptions/{subscription}/operationresults/{op}?api-version={}", ctx.origin, ctx.api_version());
    let mut resp = StatusCode::ACCEPTED.into_response();
    header(&mut resp, "location", &url);
    Ok(poll_now(resp))
}

fn find(ctx: &ArmCtx, id: &str, resource_type: &str) -> ApiResult<String> {
    Uuid::parse_str(id)
        .ok()
        .and_then(|op| ctx.state.operation(op, ctx.caller.now))
        .map(|o| o.status.clone())
        .ok_or_else(|| {
            ApiError::arm(EmulatorError::ResourceNotFound {
                resource_type: resource_type.into(),
                name: crate::model::names::printable(id),
                resource_group: String::new(),
            })
        })
}

/// `GET …/locations/{l}/operations/{id}`: the operation's status body.
pub fn network_status(ctx: &ArmCtx, id: &str) -> ApiResult<Response> {
    let status = find(ctx, id, "Microsoft.Network/locations/operations")?;
    let resp = Json(json!({ "status": status })).into_response();
    Ok(poll_now(resp))
}

/// `GET …/locations/{l}/operationResults/{id}`: a finished delete has no content.
pub fn network_result(ctx: &ArmCtx, id: &str) -> ApiResult<Response> {
    find(ctx, id, "Microsoft.Network/locations/operationResults")?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /subscriptions/{s}/operationresults/{id}`: a finished resource group delete answers 200.
pub fn group_result(ctx: &ArmCtx, id: &str) -> ApiResult<Response> {
    find(ctx, id, "Microsoft.Resources/operationresults")?;
    Ok(StatusCode::OK.into_response())
}

/// `Retry-After: 0`: every operation has already finished, so a client may poll at once.
fn poll_now(mut resp: Response) -> Response {
    resp.headers_mut().insert("retry-after", HeaderValue::from(0));
    resp
}

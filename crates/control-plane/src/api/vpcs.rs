//! Project VPCs: list, create, get, delete, and the user-peer-network-cidrs update.

use super::auth::Caller;
use super::error::{ApiError, ApiResult};
use super::{body, render, ApiState};
use crate::app;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use uuid::Uuid;

pub(super) fn vpc_id(raw: &str) -> Result<Uuid, ApiError> {
    Ok(crate::app::vpc_id(raw)?)
}

pub async fn list(
    State(state): State<ApiState>,
    caller: Caller,
    Path(project): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.member_of(&state, &project).await?;
    let vpcs = state.store.list_vpcs(&project).await?;
    Ok(Json(json!({"vpcs": vpcs.iter().map(render::vpc_summary).collect::<Vec<_>>()})))
}

pub async fn create(
    State(state): State<ApiState>,
    caller: Caller,
    Path(project): Path<String>,
    body: Body,
) -> ApiResult<Response> {
    caller.member_of(&state, &project).await?;
    let vpc = app::vpcs::create(&state.store, &project, body::json(body).await?).await?;
    state.wake.notify_one();
    Ok((StatusCode::CREATED, Json(render::vpc(&vpc, &[]))).into_response())
}

pub async fn get(
    State(state): State<ApiState>,
    caller: Caller,
    Path((project, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    caller.member_of(&state, &project).await?;
    let vpc = state.store.get_vpc(&project, vpc_id(&id)?).await?;
    let connections = state.store.connections_of(vpc.id).await?;
    Ok(Json(render::vpc(&vpc, &connections)).into_response())
}

pub async fn delete(
    State(state): State<ApiState>,
    caller: Caller,
    Path((project, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    caller.member_of(&state, &project).await?;
    let vpc = app::vpcs::delete(&state.store, &project, &id).await?;
    state.wake.notify_one();
    Ok(Json(render::vpc(&vpc, &[])).into_response())
}

pub async fn user_peer_network_cidrs(
    State(state): State<ApiState>,
    caller: Caller,
    Path((project, id)): Path<(String, String)>,
    body: Body,
) -> ApiResult<Response> {
    caller.member_of(&state, &project).await?;
    let (vpc, connections) = app::vpcs::update_user_cidrs(&state.store, &project, &id, body::json(body).await?).await?;
    Ok(Json(render::vpc(&vpc, &connections)).into_response())
}

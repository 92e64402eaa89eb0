//! Azure peering connections: create, delete (by subscription, group and VNet), refresh, timeline.

use super::auth::Caller;
use super::error::{ApiError, ApiResult};
use super::vpcs::vpc_id;
use super::{body, render, ApiState};
use crate::app::{self, connections::Target};
use crate::error::ControlPlaneError;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use uuid::Uuid;

pub async fn create(
    State(state): State<ApiState>,
    caller: Caller,
    Path((project, vpc)): Path<(String, String)>,
    body: Body,
) -> ApiResult<Response> {
    caller.member_of(&state, &project).await?;
    let created = app::connections::create(&state.store, &project, &vpc, body::json(body).await?).await?;
    state.wake.notify_one();
    Ok((StatusCode::CREATED, Json(render::connection(&created))).into_response())
}

async fn delete_matching(
    state: ApiState,
    caller: Caller,
    project: String,
    vpc: String,
    t: Target,
) -> ApiResult<Response> {
    caller.member_of(&state, &project).await?;
    let out = app::connections::delete(&state.store, &project, &vpc, t).await?;
    state.wake.notify_one();
    Ok(Json(render::connection(&out)).into_response())
}

pub async fn delete_by_vnet(
    State(state): State<ApiState>,
    caller: Caller,
    Path((project, vpc, account, vnet)): Path<(String, String, String, String)>,
) -> ApiResult<Response> {
    delete_matching(state, caller, project, vpc, Target { account, rg: None, vnet, region: None }).await
}

pub async fn delete_by_vnet_region(
    State(state): State<ApiState>,
    caller: Caller,
    Path((project, vpc, account, vnet, region)): Path<(String, String, String, String, String)>,
) -> ApiResult<Response> {
    delete_matching(state, caller, project, vpc, Target { account, rg: None, vnet, region: Some(region) }).await
}

pub async fn delete_by_group(
    State(state): State<ApiState>,
    caller: Caller,
    Path((project, vpc, account, rg, vnet)): Path<(String, String, String, String, String)>,
) -> ApiResult<Response> {
    delete_matching(state, caller, project, vpc, Target { account, rg: Some(rg), vnet, region: None }).await
}

pub async fn delete_by_group_region(
    State(state): State<ApiState>,
    caller: Caller,
    Path((project, vpc, account, rg, vnet, region)): Path<(String, String, String, String, String, String)>,
) -> ApiResult<Response> {
    delete_matching(state, caller, project, vpc, Target { account, rg: Some(rg), vnet, region: Some(region) }).await
}

/// Asks the reconciler to look at the VPC's connections now.
pub async fn refresh(
    State(state): State<ApiState>,
    caller: Caller,
    Path((project, vpc)): Path<(String, String)>,
) -> ApiResult<Response> {
    caller.member_of(&state, &project).await?;
    let vpc = state.store.get_vpc(&project, vpc_id(&vpc)?).await?;
    state.wake.notify_one();
    let connections = state.store.connections_of(vpc.id).await?;
    Ok(Json(render::vpc(&vpc, &connections)).into_response())
}

/// Our own addition: every transition of a connection, with time and reason.
pub async fn events(
    State(state): State<ApiState>,
    caller: Caller,
    Path((project, vpc, id)): Path<(String, String, String)>,
) -> ApiResult<Json<Value>> {
    caller.member_of(&state, &project).await?;
    let vpc = state.store.get_vpc(&project, vpc_id(&vpc)?).await?;
    let id = Uuid::parse_str(&id).map_err(|_| ApiError(ControlPlaneError::ConnectionNotFound))?;
    let c = state.store.connection(id).await?;
    if c.vpc_id != vpc.id {
        return Err(ApiError(ControlPlaneError::ConnectionNotFound));
    }
    let events = state.store.events(id).await?;
    Ok(Json(json!({
        "peering_connection_id": id,
        "state": c.state.as_str(),
        "events": events.iter().map(render::event).collect::<Vec<_>>(),
    })))
}

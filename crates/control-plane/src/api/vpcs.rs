//! Project VPCs: list, create, get, delete, and the user-peer-network-cidrs update.

use super::auth::Caller;
use super::error::{ApiError, ApiResult};
use super::{body, render, ApiState};
use crate::domain::validate;
use crate::error::ControlPlaneError;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

pub(super) fn vpc_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| {
        ApiError(ControlPlaneError::Invalid {
            field: "project_vpc_id".into(),
            message: format!("'{raw}' is not a project VPC id (a UUID)"),
        })
    })
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateVpc {
    cloud_name: String,
    network_cidr: String,
    #[serde(default)]
    peering_connections: Vec<Value>,
}

pub async fn create(
    State(state): State<ApiState>,
    caller: Caller,
    Path(project): Path<String>,
    body: Body,
) -> ApiResult<Response> {
    caller.member_of(&state, &project).await?;
    let req: CreateVpc = body::json(body).await?;
    let cloud = validate::cloud_name(&req.cloud_name)?;
    let cidr = validate::network_cidr(&req.network_cidr)?;
    if !req.peering_connections.is_empty() {
        return Err(ApiError(ControlPlaneError::Invalid {
            field: "peering_connections".into(),
            message:
                "create peering connections with POST .../vpcs/{project_vpc_id}/peering-connections once the VPC exists"
                    .into(),
        }));
    }
    let vpc = state.store.create_vpc(&project, &cloud, cidr, chrono::Utc::now()).await?;
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

/// A VPC with live connections cannot go: they would lose their provider side.
pub async fn delete(
    State(state): State<ApiState>,
    caller: Caller,
    Path((project, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    caller.member_of(&state, &project).await?;
    let vpc = state.store.get_vpc(&project, vpc_id(&id)?).await?;
    // The check and the move are one transaction in the store, so no connection slips in between.
    let vpc = state.store.begin_vpc_delete(vpc.id, chrono::Utc::now()).await?;
    state.wake.notify_one();
    Ok(Json(render::vpc(&vpc, &[])).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CidrUpdate {
    #[serde(default)]
    add: Vec<CidrAdd>,
    #[serde(default)]
    delete: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CidrAdd {
    peer_cloud_account: String,
    peer_vpc: String,
    peer_resource_group: Option<String>,
    cidr: String,
}

pub async fn user_peer_network_cidrs(
    State(state): State<ApiState>,
    caller: Caller,
    Path((project, id)): Path<(String, String)>,
    body: Body,
) -> ApiResult<Response> {
    caller.member_of(&state, &project).await?;
    let vpc = state.store.get_vpc(&project, vpc_id(&id)?).await?;
    let req: CidrUpdate = body::json(body).await?;
    let removed = req.delete.iter().map(|c| validate::cidr("delete", c)).collect::<Result<Vec<_>, _>>()?;
    let mut connections = state.store.connections_of(vpc.id).await?;
    // validate everything before writing anything
    let mut additions = Vec::new();
    for a in &req.add {
        let cidr = validate::cidr("add.cidr", &a.cidr)?;
        let idx = connections
            .iter()
            .position(|c| {
                let account = validate::account_in_path(&a.peer_cloud_account);
                c.state.is_live() && c.matches(&account, a.peer_resource_group.as_deref(), &a.peer_vpc)
            })
            .ok_or(ApiError(ControlPlaneError::ConnectionNotFound))?;
        additions.push((idx, cidr));
    }
    for (idx, cidr) in additions {
        if !connections[idx].user_peer_network_cidrs.contains(&cidr) {
            connections[idx].user_peer_network_cidrs.push(cidr);
        }
    }
    let now = chrono::Utc::now();
    for c in connections.iter_mut() {
        c.user_peer_network_cidrs.retain(|n| !removed.contains(n));
        state.store.set_user_cidrs(c.id, &c.user_peer_network_cidrs, now).await?;
    }
    let connections = state.store.connections_of(vpc.id).await?;
    Ok(Json(render::vpc(&vpc, &connections)).into_response())
}

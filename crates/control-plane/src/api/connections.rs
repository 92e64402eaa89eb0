//! Azure peering connections: create, delete (by subscription, group and VNet), refresh, timeline.

use super::auth::Caller;
use super::error::{ApiError, ApiResult};
use super::vpcs::vpc_id;
use super::{body, render, ApiState};
use crate::domain::{validate, ConnectionState, VpcState};
use crate::error::ControlPlaneError;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateConnection {
    peer_cloud_account: String,
    peer_vpc: String,
    peer_resource_group: Option<String>,
    peer_azure_app_id: Option<String>,
    peer_azure_tenant_id: Option<String>,
    peer_region: Option<String>,
    #[serde(default)]
    user_peer_network_cidrs: Vec<String>,
}

pub async fn create(
    State(state): State<ApiState>,
    caller: Caller,
    Path((project, vpc)): Path<(String, String)>,
    body: Body,
) -> ApiResult<Response> {
    caller.member_of(&state, &project).await?;
    let vpc = state.store.get_vpc(&project, vpc_id(&vpc)?).await?;
    let req: CreateConnection = body::json(body).await?;
    if req.peer_region.as_deref().is_some_and(|r| !r.is_empty()) {
        return Err(ApiError(ControlPlaneError::Invalid {
            field: "peer_region".into(),
            message: "peer_region must be omitted for an Azure VNet peering: the peer VNet's region comes from Azure"
                .into(),
        }));
    }
    let new = validate::new_connection(
        &req.peer_cloud_account,
        req.peer_resource_group.as_deref(),
        &req.peer_vpc,
        req.peer_azure_app_id.as_deref(),
        req.peer_azure_tenant_id.as_deref(),
        &req.user_peer_network_cidrs,
    )?;
    if vpc.state == VpcState::Deleting {
        return Err(ApiError(ControlPlaneError::VpcNotActive {
            id: vpc.id.to_string(),
            state: vpc.state.as_str().into(),
        }));
    }
    let created = state.store.create_connection(&vpc, &new, chrono::Utc::now()).await?;
    state.wake.notify_one();
    Ok((StatusCode::CREATED, Json(render::connection(&created))).into_response())
}

/// What a DELETE path names: subscription, optional group, VNet, optional region.
struct Target {
    account: String,
    rg: Option<String>,
    vnet: String,
    region: Option<String>,
}

async fn delete_matching(
    state: ApiState,
    caller: Caller,
    project: String,
    vpc: String,
    t: Target,
) -> ApiResult<Response> {
    let Target { account, rg, vnet, region } = t;
    let account = crate::domain::validate::account_in_path(&account);
    caller.member_of(&state, &project).await?;
    let vpc = state.store.get_vpc(&project, vpc_id(&vpc)?).await?;
    // Azure connections have no region: a region in the path matches none of them.
    let found = state
        .store
        .connections_of(vpc.id)
        .await?
        .into_iter()
        .filter(|_| region.is_none())
        .find(|c| c.state.is_live() && c.matches(&account, rg.as_deref(), &vnet))
        .ok_or(ApiError(ControlPlaneError::ConnectionNotFound))?;
    let out = if found.state == ConnectionState::Deleting {
        found
    } else {
        state
            .store
            .transition(
                found.id,
                found.state,
                ConnectionState::Deleting,
                None,
                "deletion requested by the API",
                chrono::Utc::now(),
            )
            .await?
    };
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

//! Project VPCs: list, create, get, delete, and the user-peer-network-cidrs update.

use super::auth::Caller;
use super::error::ApiResult;
use super::extract::{JsonBody, PathOf};
use super::openapi::{BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge};
use super::paths::{ProjectPath, VpcPath};
use super::{render, ApiState};
use crate::app;
use crate::domain::Vpc;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::Json;
use control_plane_api::{UserPeerNetworkCidrsIn, VpcCreateIn, VpcGetOut, VpcListOut};

/// List project VPCs
///
/// The project's VPCs, without their peering connections.
#[utoipa::path(
    get, path = "/v1/project/{project}/vpcs", operation_id = "VpcList", tag = "vpcs",
    params(ProjectPath),
    responses(
        (status = 200, description = "The project's VPCs.", body = VpcListOut),
        (status = 403, response = Forbidden), (status = 404, response = NotFound),
    ),
)]
pub async fn list(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<ProjectPath>,
) -> ApiResult<Json<VpcListOut>> {
    caller.member_of(&state, &p.project).await?;
    let vpcs = state.store.list_vpcs(&p.project).await?;
    Ok(Json(VpcListOut { vpcs: vpcs.iter().map(render::vpc_summary).collect() }))
}

/// Create a project VPC
///
/// Creates a project VPC in state `APPROVED`; the reconciler builds its Azure VNet and moves it to
/// `ACTIVE`. `cloud_name` must be one of `GET /v1/clouds` (else 400 `invalid_input` naming them); a
/// project has one VPC per cloud (a second answers 409 `vpc_exists_in_cloud`, naming the first).
#[utoipa::path(
    post, path = "/v1/project/{project}/vpcs", operation_id = "VpcCreate", tag = "vpcs",
    params(ProjectPath),
    request_body(content = VpcCreateIn, description = "The cloud and the network of the new VPC."),
    responses(
        (status = 201, description = "Created.", body = VpcGetOut),
        (status = 400, response = BadRequest), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
    ),
)]
pub async fn create(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<ProjectPath>,
    JsonBody(req): JsonBody<VpcCreateIn>,
) -> ApiResult<(StatusCode, Json<VpcGetOut>)> {
    caller.member_of(&state, &p.project).await?;
    let vpc = app::vpcs::create(&state.store, &p.project, req).await?;
    state.wake.notify_one();
    Ok((StatusCode::CREATED, Json(render::vpc(&vpc, &[]))))
}

/// Get a project VPC and its peering connections
///
/// There is no per-connection GET: clients read a connection from the VPC's
/// `peering_connections`. Connections in `DELETED` or `DELETED_BY_PEER` are not listed.
#[utoipa::path(
    get, path = "/v1/project/{project}/vpcs/{project_vpc_id}", operation_id = "VpcGet", tag = "vpcs",

    params(VpcPath),
    responses(
        (status = 200, description = "The VPC with its connections.", body = VpcGetOut),
        (status = 400, response = BadRequest), (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn get(State(state): State<ApiState>, caller: Caller, PathOf(p): PathOf<VpcPath>) -> ApiResult<JsonPage> {
    caller.member_of(&state, &p.project).await?;
    let vpc = state.store.get_vpc(&p.project, app::vpc_id(&p.project_vpc_id)?).await?;
    page(&state, &vpc).await
}

/// A JSON body already serialised.
pub(super) type JsonPage = ([(HeaderName, HeaderValue); 1], Bytes);

/// The VPC with its connections as a JSON body, rendered again only if they changed.
pub(super) async fn page(state: &ApiState, vpc: &Vpc) -> ApiResult<JsonPage> {
    let body = match state.vpc_pages.current(vpc) {
        Some(body) => body,
        None => state.vpc_pages.render(vpc, &state.store.connections_of(vpc.id).await?),
    };
    Ok(([(CONTENT_TYPE, HeaderValue::from_static("application/json"))], body))
}

/// Delete a project VPC
///
/// Moves the VPC to `DELETING`; the reconciler removes its Azure VNet. A VPC that still has
/// connections not yet deleted answers 409 `vpc_has_connections`.
#[utoipa::path(
    delete, path = "/v1/project/{project}/vpcs/{project_vpc_id}", operation_id = "VpcDelete", tag = "vpcs",

    params(VpcPath),
    responses(
        (status = 200, description = "The VPC, now `DELETING`.", body = VpcGetOut),
        (status = 400, response = BadRequest), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict),
    ),
)]
pub async fn delete(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<VpcPath>,
) -> ApiResult<Json<VpcGetOut>> {
    caller.member_of(&state, &p.project).await?;
    let vpc = app::vpcs::delete(&state.store, &p.project, &p.project_vpc_id).await?;
    state.wake.notify_one();
    Ok(Json(render::vpc(&vpc, &[])))
}

/// Add or remove user peer network CIDRs
///
/// Adds CIDRs to the connections named in `add` and removes the CIDRs in `delete` from every
/// connection of the VPC. Everything is validated before anything is written; an `add` naming no
/// live connection answers 404 `connection_not_found`, and an invalid CIDR, one already on that
/// connection, or one overlapping the VPC's own `network_cidr` answers 400 `invalid_input`. Peer
/// CIDRs of two connections that overlap are allowed, and listed in both connections'
/// `state_info.warnings` (`overlapping-peer-vpc-ip-ranges`).
#[utoipa::path(
    put, path = "/v1/project/{project}/vpcs/{project_vpc_id}/user-peer-network-cidrs",
    operation_id = "VpcUserPeerNetworkCidrsUpdate", tag = "vpcs",
    params(VpcPath),
    request_body(content = UserPeerNetworkCidrsIn, description = "The CIDRs to add and to delete."),
    responses(
        (status = 200, description = "The VPC with its connections.", body = VpcGetOut),
        (status = 400, response = BadRequest), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
    ),
)]
pub async fn user_peer_network_cidrs(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<VpcPath>,
    JsonBody(req): JsonBody<UserPeerNetworkCidrsIn>,
) -> ApiResult<Json<VpcGetOut>> {
    caller.member_of(&state, &p.project).await?;
    let (vpc, connections) = app::vpcs::update_user_cidrs(&state.store, &p.project, &p.project_vpc_id, req).await?;
    Ok(Json(render::vpc(&vpc, &connections)))
}

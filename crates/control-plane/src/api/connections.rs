//! Azure peering connections: create, delete (by subscription, group and VNet), refresh, timeline.

use super::auth::Caller;
use super::error::{ApiError, ApiResult};
use super::extract::{JsonBody, PathOf};
use super::openapi::{BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge};
use super::paths::{ByGroup, ByGroupRegion, ByVnet, ByVnetRegion, ConnectionPath, PeerPath, VpcPath};
use super::{render, ApiState};
use crate::app::{self, connections::Target};
use crate::error::ControlPlaneError;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use control_plane_api::{PeeringConnectionEventsOut, PeeringConnectionOut, VpcGetOut, VpcPeeringConnectionCreateIn};
use uuid::Uuid;

/// Create an Azure VNet peering connection
///
/// Creates a connection in state `APPROVED`. The reconciler builds the provider side and moves it
/// to `PENDING_PEER`, whose `state_info` carries `to-tenant-id` and `to-network-id` for the
/// customer's `az network vnet peering create`; once the customer's side exists it becomes
/// `ACTIVE`. A live connection to the same subscription, resource group and VNet (compared without
/// regard to case) answers 409 `connection_exists`; a VPC being deleted answers 409
/// `vpc_not_active`.
#[utoipa::path(
    post, path = "/v1/project/{project}/vpcs/{project_vpc_id}/peering-connections",
    operation_id = "VpcPeeringConnectionCreate", tag = "peering-connections",

    params(VpcPath),
    request_body(content = VpcPeeringConnectionCreateIn, description = "The customer VNet to peer with."),
    responses(
        (status = 201, description = "Created, in state `APPROVED`.", body = PeeringConnectionOut),
        (status = 400, response = BadRequest), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
    ),
)]
pub async fn create(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<VpcPath>,
    JsonBody(req): JsonBody<VpcPeeringConnectionCreateIn>,
) -> ApiResult<(StatusCode, Json<PeeringConnectionOut>)> {
    caller.member_of(&state, &p.project).await?;
    let created = app::connections::create(&state.store, &p.project, &p.project_vpc_id, req).await?;
    state.wake.notify_one();
    Ok((StatusCode::CREATED, Json(render::connection(&created))))
}

async fn delete_matching<const G: bool, const R: bool>(
    state: ApiState,
    caller: Caller,
    p: PeerPath<G, R>,
) -> ApiResult<Json<PeeringConnectionOut>> {
    caller.member_of(&state, &p.project).await?;
    let t =
        Target { account: p.peer_cloud_account, rg: p.peer_resource_group, vnet: p.peer_vpc, region: p.peer_region };
    let out = app::connections::delete(&state.store, &p.project, &p.project_vpc_id, t).await?;
    state.wake.notify_one();
    Ok(Json(render::connection(&out)))
}

/// Delete a peering connection (any resource group)
///
/// Asks for the connection named by subscription, VNet and (optionally) resource group to be
/// deleted; it goes to `DELETING` and then `DELETED` once the provider side is gone. Names compare
/// without regard to case. Answers with the connection, in state `DELETING`. Deleting a connection
/// already `DELETING` answers the same.
#[utoipa::path(
    delete, path = "/v1/project/{project}/vpcs/{project_vpc_id}/peering-connections/peer-accounts/{peer_cloud_account}/peer-vpcs/{peer_vpc}",
    operation_id = "VpcPeeringConnectionDelete", tag = "peering-connections",

    params(ByVnet),
    responses(
        (status = 200, description = "The connection, now `DELETING`.", body = PeeringConnectionOut),
        (status = 400, response = BadRequest), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict),
    ),
)]
pub async fn delete_by_vnet(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<ByVnet>,
) -> ApiResult<Json<PeeringConnectionOut>> {
    delete_matching(state, caller, p).await
}

/// Delete a peering connection named with a region
///
/// As `VpcPeeringConnectionDelete`. Azure peerings have no region (`peer_region` is always null),
/// so a path naming `peer-regions/{peer_region}` matches no connection and answers 404; the form
/// exists because `avn` can build it.
#[utoipa::path(
    delete, path = "/v1/project/{project}/vpcs/{project_vpc_id}/peering-connections/peer-accounts/{peer_cloud_account}/peer-vpcs/{peer_vpc}/peer-regions/{peer_region}",
    operation_id = "VpcPeeringConnectionWithRegionDelete", tag = "peering-connections",

    params(ByVnetRegion),
    responses(
        (status = 200, description = "The connection, now `DELETING`.", body = PeeringConnectionOut),
        (status = 400, response = BadRequest), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict),
    ),
)]
pub async fn delete_by_vnet_region(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<ByVnetRegion>,
) -> ApiResult<Json<PeeringConnectionOut>> {
    delete_matching(state, caller, p).await
}

/// Delete a peering connection in a resource group
///
/// As `VpcPeeringConnectionDelete`, naming the customer VNet's resource group too.
#[utoipa::path(
    delete, path = "/v1/project/{project}/vpcs/{project_vpc_id}/peering-connections/peer-accounts/{peer_cloud_account}/peer-resource-groups/{peer_resource_group}/peer-vpcs/{peer_vpc}",
    operation_id = "VpcPeeringConnectionWithResourceGroupDelete", tag = "peering-connections",

    params(ByGroup),
    responses(
        (status = 200, description = "The connection, now `DELETING`.", body = PeeringConnectionOut),
        (status = 400, response = BadRequest), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict),
    ),
)]
pub async fn delete_by_group(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<ByGroup>,
) -> ApiResult<Json<PeeringConnectionOut>> {
    delete_matching(state, caller, p).await
}

/// Delete a peering connection in a resource group, named with a region
///
/// As `VpcPeeringConnectionWithResourceGroupDelete`; a region matches no Azure connection (404).
#[utoipa::path(
    delete, path = "/v1/project/{project}/vpcs/{project_vpc_id}/peering-connections/peer-accounts/{peer_cloud_account}/peer-resource-groups/{peer_resource_group}/peer-vpcs/{peer_vpc}/peer-regions/{peer_region}",
    operation_id = "VpcPeeringConnectionWithResourceGroupAndRegionDelete", tag = "peering-connections",

    params(ByGroupRegion),
    responses(
        (status = 200, description = "The connection, now `DELETING`.", body = PeeringConnectionOut),
        (status = 400, response = BadRequest), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict),
    ),
)]
pub async fn delete_by_group_region(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<ByGroupRegion>,
) -> ApiResult<Json<PeeringConnectionOut>> {
    delete_matching(state, caller, p).await
}

/// Re-check the VPC's peering connections now
///
/// Makes the VPC's provider VNet due for a sweep at once and wakes the reconciler, which then
/// reads the VNet afresh (no observation made before the request is used), so a customer who just
/// created their side sees `ACTIVE` without waiting for the next sweep. Takes no body. `avn vpc peering-connection refresh` and `isthmus azure connect` call it.
#[utoipa::path(
    post, path = "/v1/project/{project}/vpcs/{project_vpc_id}/peering-connections/refresh",
    operation_id = "VpcPeeringConnectionsRefresh", tag = "peering-connections",

    params(VpcPath),
    responses(
        (status = 200, description = "The VPC with its connections (as read before the reconciler ran).", body = VpcGetOut),
        (status = 400, response = BadRequest), (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn refresh(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<VpcPath>,
) -> ApiResult<super::vpcs::JsonPage> {
    caller.member_of(&state, &p.project).await?;
    let vpc = state.store.get_vpc(&p.project, app::vpc_id(&p.project_vpc_id)?).await?;
    state.store.request_refresh(vpc.id, chrono::Utc::now()).await?;
    state.wake.notify_one();
    super::vpcs::page(&state, &vpc).await
}

/// A connection's timeline (isthmus extension)
///
/// Every state transition of the connection, oldest first, with its time and reason. Not part of
/// Aiven's API.
#[utoipa::path(
    get, path = "/v1/project/{project}/vpcs/{project_vpc_id}/peering-connections/{peering_connection_id}/events",
    operation_id = "VpcPeeringConnectionEvents", tag = "peering-connections",

    params(ConnectionPath),
    responses(
        (status = 200, description = "The connection's current state and its transitions.", body = PeeringConnectionEventsOut),
        (status = 400, response = BadRequest), (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub async fn events(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<ConnectionPath>,
) -> ApiResult<Json<PeeringConnectionEventsOut>> {
    caller.member_of(&state, &p.project).await?;
    let vpc = state.store.get_vpc(&p.project, app::vpc_id(&p.project_vpc_id)?).await?;
    let id = Uuid::parse_str(&p.peering_connection_id).map_err(|_| ApiError(ControlPlaneError::ConnectionNotFound))?;
    let c = state.store.connection(id).await?;
    if c.vpc_id != vpc.id {
        return Err(ApiError(ControlPlaneError::ConnectionNotFound));
    }
    let events = state.store.events(id).await?;
    Ok(Json(PeeringConnectionEventsOut {
        peering_connection_id: id,
        state: c.state,
        events: events.iter().map(render::event).collect(),
    }))
}

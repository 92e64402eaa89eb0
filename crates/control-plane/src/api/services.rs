//! Services: create, list, get, terminate, and the service-type catalogue `avn` reads first.

use super::auth::Caller;
use super::error::{ApiError, ApiResult};
use super::extract::{JsonBody, PathOf};
use super::openapi::{BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge};
use super::paths::{ProjectPath, ServicePath, ServiceTypePath};
use super::render_service;
use super::ApiState;
use crate::app;
use crate::domain::service_types;
use crate::error::ControlPlaneError;
use axum::extract::State;
use axum::Json;
use control_plane_api::{
    ServiceCreateIn, ServiceDeleteOut, ServiceGetOut, ServiceListOut, ServiceTypeOut, ServiceTypesOut,
};

/// Get a service type
///
/// The type's description, plans (priced per cloud) and `user_config_schema`, answered bare (not
/// wrapped in a key), as `avn service create` reads it. Only `pg` is served; another type is 404.
#[utoipa::path(
    get, path = "/v1/project/{project}/service-types/{service_type}", operation_id = "ServiceTypeGet",
    tag = "services", params(ServiceTypePath),
    responses(
        (status = 200, description = "The service type.", body = ServiceTypeOut),
        (status = 403, response = Forbidden), (status = 404, response = NotFound),
    ),
)]
pub async fn service_type(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<ServiceTypePath>,
) -> ApiResult<Json<ServiceTypeOut>> {
    caller.member_of(&state, &p.project).await?;
    service_types::describe(&p.service_type)
        .map(Json)
        .ok_or_else(|| ApiError(ControlPlaneError::ServiceTypeNotFound(p.service_type.clone())))
}

/// List service types
///
/// Every service type with its plans, as `avn service types` and `avn service plans` read them.
#[utoipa::path(
    get, path = "/v1/project/{project}/service_types", operation_id = "ServiceTypesList", tag = "services",
    params(ProjectPath),
    responses(
        (status = 200, description = "The service types, by name.", body = ServiceTypesOut),
        (status = 403, response = Forbidden), (status = 404, response = NotFound),
    ),
)]
pub async fn service_types_list(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<ProjectPath>,
) -> ApiResult<Json<ServiceTypesOut>> {
    caller.member_of(&state, &p.project).await?;
    let service_types =
        service_types::describe(service_types::PG).map(|t| (service_types::PG.to_string(), t)).into_iter().collect();
    Ok(Json(ServiceTypesOut { service_types }))
}

/// List services
///
/// The project's services (those being terminated are gone), with their connection details.
#[utoipa::path(
    get, path = "/v1/project/{project}/service", operation_id = "ServiceList", tag = "services",
    params(ProjectPath),
    responses(
        (status = 200, description = "The project's services, by name.", body = ServiceListOut),
        (status = 403, response = Forbidden), (status = 404, response = NotFound),
    ),
)]
pub async fn list(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<ProjectPath>,
) -> ApiResult<Json<ServiceListOut>> {
    caller.member_of(&state, &p.project).await?;
    let services = state.store.list_services(&p.project).await?;
    Ok(Json(ServiceListOut { services: services.iter().map(render_service::service).collect() }))
}

/// Create a service
///
/// Creates a PostgreSQL service in `REBUILDING`; the compute backend starts its server inside the
/// project VPC and the service becomes `RUNNING`, reachable at its private address from the VPC
/// and from customer VNets peered with it (`service_uri`). Services run only inside a project VPC:
/// `project_vpc_id` null, or a project without a VPC in the cloud, is 400; a VPC not yet `ACTIVE`
/// is 409 `vpc_not_active`; a taken name is 409 `service_exists`; a control plane without a
/// compute backend (`isthmus serve`) answers 409 `no_compute_backend`.
#[utoipa::path(
    post, path = "/v1/project/{project}/service", operation_id = "ServiceCreate", tag = "services",
    params(ProjectPath),
    request_body(content = ServiceCreateIn, description = "The new service."),
    responses(
        (status = 200, description = "Created, `REBUILDING`.", body = ServiceGetOut),
        (status = 400, response = BadRequest), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
    ),
)]
pub async fn create(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<ProjectPath>,
    JsonBody(req): JsonBody<ServiceCreateIn>,
) -> ApiResult<Json<ServiceGetOut>> {
    caller.member_of(&state, &p.project).await?;
    let service = app::services::create(&state.store, state.services.is_some(), &p.project, req).await?;
    if let Some(wake) = &state.services {
        wake.notify_one();
    }
    Ok(Json(ServiceGetOut { service: render_service::service(&service) }))
}

/// Get a service
///
/// `state` is `REBUILDING` until the server answers, then `RUNNING`; `service_uri` is null until
/// then. `avn service wait` polls this.
#[utoipa::path(
    get, path = "/v1/project/{project}/service/{service_name}", operation_id = "ServiceGet", tag = "services",
    params(ServicePath),
    responses(
        (status = 200, description = "The service.", body = ServiceGetOut),
        (status = 403, response = Forbidden), (status = 404, response = NotFound),
    ),
)]
pub async fn get(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<ServicePath>,
) -> ApiResult<Json<ServiceGetOut>> {
    caller.member_of(&state, &p.project).await?;
    let service = state.store.get_service(&p.project, &p.service_name).await?;
    Ok(Json(ServiceGetOut { service: render_service::service(&service) }))
}

/// Terminate a service
///
/// The service is gone from the API at once; its server and data are removed right after. A
/// service with `termination_protection` answers 403 `service_protected`.
#[utoipa::path(
    delete, path = "/v1/project/{project}/service/{service_name}", operation_id = "ServiceDelete",
    tag = "services", params(ServicePath),
    responses(
        (status = 200, description = "Terminating.", body = ServiceDeleteOut),
        (status = 403, response = Forbidden), (status = 404, response = NotFound),
    ),
)]
pub async fn delete(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<ServicePath>,
) -> ApiResult<Json<ServiceDeleteOut>> {
    caller.member_of(&state, &p.project).await?;
    let service = app::services::delete(&state.store, &p.project, &p.service_name).await?;
    if let Some(wake) = &state.services {
        wake.notify_one();
    }
    Ok(Json(ServiceDeleteOut { message: format!("Service '{}' is being terminated", service.name) }))
}

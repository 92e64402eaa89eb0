//! The clouds a project VPC can be created in: `GET /v1/clouds` (public) and
//! `GET /v1/project/{project}/clouds`. `avn cloud list` with no project set asks for
//! `/v1/project//clouds`; `super::normalize_path` sends that to `/v1/clouds`.

use super::auth::Caller;
use super::error::ApiResult;
use super::extract::PathOf;
use super::openapi::{Forbidden, NotFound};
use super::paths::ProjectPath;
use super::ApiState;
use crate::domain::clouds;
use axum::extract::State;
use axum::Json;
use control_plane_api::{CloudListOut, CloudOut};

fn catalogue() -> CloudListOut {
    CloudListOut {
        clouds: clouds::CLOUDS
            .iter()
            .map(|c| CloudOut {
                cloud_description: c.description.to_string(),
                cloud_name: c.name.to_string(),
                geo_latitude: c.latitude,
                geo_longitude: c.longitude,
                geo_region: c.geo_region.to_string(),
                provider: clouds::PROVIDER.to_string(),
                provider_description: clouds::PROVIDER_DESCRIPTION.to_string(),
            })
            .collect(),
    }
}

/// List clouds
///
/// The Azure clouds this service peers in; no token needed. `GET /v1/project//clouds` (an empty
/// project, as `avn cloud list` sends without a project) answers the same.
#[utoipa::path(
    get, path = "/v1/clouds", operation_id = "ListClouds", tag = "clouds", security(()),
    responses((status = 200, description = "The clouds.", body = CloudListOut)),
)]
pub async fn public() -> Json<CloudListOut> {
    Json(catalogue())
}

/// List a project's clouds
///
/// The clouds a VPC of the project can be created in.
#[utoipa::path(
    get, path = "/v1/project/{project}/clouds", operation_id = "ListProjectClouds", tag = "clouds",
    params(ProjectPath),
    responses(
        (status = 200, description = "The clouds.", body = CloudListOut),
        (status = 403, response = Forbidden), (status = 404, response = NotFound),
    ),
)]
pub async fn of_project(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<ProjectPath>,
) -> ApiResult<Json<CloudListOut>> {
    caller.member_of(&state, &p.project).await?;
    Ok(Json(catalogue()))
}

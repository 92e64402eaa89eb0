//! `POST /v1/userauth` and `GET /v1/project`.

use super::auth::Caller;
use super::error::ApiResult;
use super::extract::JsonBody;
use super::openapi::{BadRequest, Forbidden, PayloadTooLarge, Unauthorized};
use super::ApiState;
use axum::extract::State;
use axum::Json;
use control_plane_api::{ProjectListOut, ProjectOut, UserAuthIn, UserAuthOut};

/// Log in
///
/// Exchanges an email and password for an API token, to send as `Authorization: aivenv1 <token>`.
#[utoipa::path(
    post, path = "/v1/userauth", operation_id = "UserAuth", tag = "account", security(()),
    request_body(content = UserAuthIn, description = "Credentials."),
    responses(
        (status = 200, description = "Logged in.", body = UserAuthOut),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 413, response = PayloadTooLarge),
    ),
)]
pub async fn login(State(state): State<ApiState>, JsonBody(req): JsonBody<UserAuthIn>) -> ApiResult<Json<UserAuthOut>> {
    let token = state.store.login(&req.email, &req.password, chrono::Utc::now()).await?;
    Ok(Json(UserAuthOut { state: "active".into(), token, user_email: req.email }))
}

/// List the caller's projects
///
/// The projects the authenticated user is a member of.
#[utoipa::path(
    get, path = "/v1/project", operation_id = "ProjectList", tag = "account",
    responses(
        (status = 200, description = "The caller's projects.", body = ProjectListOut),
        (status = 403, response = Forbidden),
    ),
)]
pub async fn projects(State(state): State<ApiState>, caller: Caller) -> ApiResult<Json<ProjectListOut>> {
    let names = state.store.projects_of(&caller.0).await?;
    Ok(Json(ProjectListOut { projects: names.into_iter().map(|project_name| ProjectOut { project_name }).collect() }))
}

//! `POST /v1/userauth`, `GET /v1/me`, `GET /v1/project` and `GET /v1/project/{project}`.

use super::auth::Caller;
use super::error::ApiResult;
use super::extract::JsonBody;
use super::extract::PathOf;
use super::openapi::{BadRequest, Forbidden, NotFound, PayloadTooLarge, Unauthorized};
use super::paths::ProjectPath;
use super::ApiState;
use crate::domain::clouds;
use axum::extract::State;
use axum::Json;
use control_plane_api::{MeOut, ProjectGetOut, ProjectListOut, ProjectOut, UserAuthIn, UserAuthOut, UserOut};

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
    let mut projects = Vec::new();
    for name in state.store.projects_of(&caller.0).await? {
        projects.push(project_out(&state, name).await?);
    }
    Ok(Json(ProjectListOut { projects }))
}

/// A project's fields; its default cloud is the cloud of its first live VPC.
async fn project_out(state: &ApiState, project_name: String) -> ApiResult<ProjectOut> {
    let vpcs = state.store.list_vpcs(&project_name).await?;
    let default_cloud = vpcs.first().map_or(clouds::DEFAULT_CLOUD.to_string(), |v| v.cloud_name.clone());
    Ok(ProjectOut {
        project_name,
        default_cloud,
        billing_currency: "USD".into(),
        vat_id: String::new(),
        billing_extra_text: None,
        billing_address: String::new(),
        country_code: String::new(),
    })
}

/// Get a project
///
/// One project the caller is a member of, as `avn project details` prints it.
#[utoipa::path(
    get, path = "/v1/project/{project}", operation_id = "ProjectGet", tag = "account",
    params(ProjectPath),
    responses(
        (status = 200, description = "The project.", body = ProjectGetOut),
        (status = 403, response = Forbidden), (status = 404, response = NotFound),
    ),
)]
pub async fn project(
    State(state): State<ApiState>,
    caller: Caller,
    PathOf(p): PathOf<ProjectPath>,
) -> ApiResult<Json<ProjectGetOut>> {
    caller.member_of(&state, &p.project).await?;
    Ok(Json(ProjectGetOut { project: project_out(&state, p.project).await? }))
}

/// The caller's user
///
/// The user the token belongs to, as `avn user info` prints it.
#[utoipa::path(
    get, path = "/v1/me", operation_id = "UserInfo", tag = "account",
    responses(
        (status = 200, description = "The caller's user.", body = MeOut),
        (status = 403, response = Forbidden),
    ),
)]
pub async fn me(State(state): State<ApiState>, caller: Caller) -> ApiResult<Json<MeOut>> {
    let projects = state.store.projects_of(&caller.0).await?;
    Ok(Json(MeOut {
        user: UserOut {
            user: caller.0.email.clone(),
            user_id: caller.0.id.to_string(),
            real_name: String::new(),
            state: "active".into(),
            token_validity_begin: Some(caller.1.to_rfc3339_opts(chrono::SecondsFormat::Micros, false)),
            projects,
            auth: vec!["password".into()],
        },
    }))
}

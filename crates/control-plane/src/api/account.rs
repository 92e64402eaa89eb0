//! `POST /v1/userauth` and `GET /v1/project`.

use super::auth::Caller;
use super::body;
use super::error::ApiResult;
use super::ApiState;
use axum::body::Body;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Login {
    email: String,
    password: String,
    #[serde(default)]
    #[allow(dead_code)]
    otp: Option<String>,
}

pub async fn login(State(state): State<ApiState>, body: Body) -> ApiResult<Json<Value>> {
    let req: Login = body::json(body).await?;
    let token = state.store.login(&req.email, &req.password, chrono::Utc::now()).await?;
    Ok(Json(json!({"state": "active", "token": token, "user_email": req.email})))
}

pub async fn projects(State(state): State<ApiState>, caller: Caller) -> ApiResult<Json<Value>> {
    let names = state.store.projects_of(&caller.0).await?;
    Ok(Json(json!({"projects": names.iter().map(|n| json!({"project_name": n})).collect::<Vec<_>>()})))
}

//! Directory-wide reads: `directoryObjects/getByIds` (how `az role assignment create` learns a
//! principal's type), `me` and `organization`.

use super::{ok, render, GraphCtx};
use crate::error::EmulatorError;
use crate::model::PrincipalKind;
use crate::wire::envelope::{ApiError, ApiResult};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

#[derive(Deserialize)]
struct GetByIds {
    ids: Vec<String>,
    #[serde(default)]
    types: Vec<String>,
}

/// Graph answers at most 1000 ids per call.
const MAX_IDS: usize = 1000;

pub fn get_by_ids(ctx: &GraphCtx) -> ApiResult<Response> {
    if !ctx.state.can_read_directory(&ctx.caller) {
        return Err(ApiError::graph(EmulatorError::GraphInsufficientPrivileges));
    }
    let body: GetByIds = ctx.json()?;
    if body.ids.len() > MAX_IDS {
        return Err(ApiError::graph(EmulatorError::GraphInvalidValueBecause {
            property: "ids".into(),
            resource: "directoryObjects".into(),
            reason: format!("at most {MAX_IDS} ids are allowed per request."),
        }));
    }
    let wants = |t: &str| body.types.is_empty() || body.types.iter().any(|x| x.eq_ignore_ascii_case(t));
    let state = &ctx.state;
    let tenant = ctx.caller.tenant_id;
    let mut out = Vec::new();
    for id in body.ids.iter().filter_map(|i| Uuid::parse_str(i).ok()) {
        if let Some(u) = state.users.get(&id).filter(|u| u.tenant_id == tenant && wants("user")) {
            out.push(render::user(u));
        } else if let Some(s) =
            state.service_principals.get(&id).filter(|s| s.tenant_id == tenant && wants("servicePrincipal"))
        {
            out.push(render::service_principal(state, s));
        } else if let Some(a) = state.applications.get(&id).filter(|a| a.tenant_id == tenant && wants("application")) {
            out.push(render::application(state, a));
        }
    }
    ok(render::collection("directoryObjects", out))
}

pub fn me(ctx: &GraphCtx) -> ApiResult<Response> {
    if ctx.caller.kind != PrincipalKind::User {
        return Err(ApiError::graph(EmulatorError::GraphBadRequest(
            "/me request is only valid with delegated authentication flow.".into(),
        )));
    }
    let user = ctx
        .state
        .user(ctx.caller.object_id)
        .ok_or_else(|| ApiError::graph(EmulatorError::GraphResourceNotFound("me".into())))?;
    ok(render::entity("users", render::user(user)))
}

pub fn organization(ctx: &GraphCtx) -> ApiResult<Response> {
    let t = ctx.state.tenant(ctx.caller.tenant_id).map_err(ApiError::graph)?;
    ok(render::collection(
        "organization",
        vec![json!({"id": t.id, "displayName": t.display_name, "countryLetterCode": t.country_code,
                    "verifiedDomains": [{"name": t.default_domain, "isDefault": true, "isInitial": true, "type": "Managed"}]})],
    ))
}

//! Directory-wide reads: `directoryObjects/getByIds` (how `az role assignment create` learns a
//! principal's type), `me` and `organization`.

use super::{ok, render, GraphCtx};
use crate::error::EmulatorError;
use crate::identity::directory::DirectoryObject;
use crate::model::PrincipalKind;
use crate::wire::envelope::{ApiError, ApiResult, WithFlavor};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct GetByIds {
    ids: Vec<String>,
    #[serde(default)]
    types: Vec<String>,
}

pub fn get_by_ids(ctx: &GraphCtx) -> ApiResult<Response> {
    let body: GetByIds = ctx.json()?;
    let found = ctx.state.directory_objects_by_ids(&ctx.caller, &body.ids, &body.types).graph()?;
    let state = &ctx.state;
    let out = found
        .into_iter()
        .map(|o| match o {
            DirectoryObject::User(u) => render::user(u),
            DirectoryObject::ServicePrincipal(s) => render::service_principal(state, &s),
            DirectoryObject::Application(a) => render::application(state, a),
        })
        .collect();
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

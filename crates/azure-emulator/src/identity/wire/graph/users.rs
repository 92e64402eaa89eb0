//! `/users`: list (with `$filter`) and read by object id or user principal name, as
//! `az role assignment create --assignee <UPN>` and msgraph's `users.by_user_id(upn)` do.

use super::{ok, passes, render, GraphCtx};
use crate::wire::envelope::{ApiResult, WithFlavor};
use axum::response::Response;

pub fn list(ctx: &GraphCtx) -> ApiResult<Response> {
    let filter = ctx.filter()?;
    let users = ctx.state.list_users(&ctx.caller, |u| passes(&filter, u)).graph()?;
    ok(render::collection("users", users.into_iter().map(render::user).collect()))
}

pub fn get(ctx: &GraphCtx, key: &str) -> ApiResult<Response> {
    let user = ctx.state.read_user(&ctx.caller, key).graph()?;
    ok(render::entity("users", render::user(user)))
}

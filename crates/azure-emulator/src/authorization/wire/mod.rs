//! Role definitions and role assignments at any scope.

use crate::wire::arm::filters::{bad_filter, clauses};
use crate::wire::arm::{list, ok, put_response, ArmCtx};

pub mod render;
use crate::authorization::rbac::Permission;
use crate::authorization::rules::{RoleAssignmentSpec, RoleDefinitionSpec};
use crate::authorization::scope::Scope;
use crate::error::EmulatorError;
use crate::model::names;
use crate::model::query as filter;
use crate::wire::envelope::{ApiError, ApiResult, WithFlavor};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

fn guid(raw: &str, err: impl FnOnce() -> EmulatorError) -> ApiResult<Uuid> {
    Uuid::parse_str(raw).map_err(|_| ApiError::arm(err()))
}

pub fn list_definitions(ctx: &ArmCtx, at: &Scope) -> ApiResult<Response> {
    let filters =
        clauses(ctx).iter().map(|c| filter::parse(c).map_err(|_| bad_filter(c))).collect::<ApiResult<Vec<_>>>()?;
    let defs = ctx.state.list_role_definitions(&ctx.caller, at, |r| filters.iter().all(|f| f.matches(r))).arm()?;
    list(ctx, defs.into_iter(), |r| render::role_definition(r, at.subscription()))
}

pub fn get_definition(ctx: &ArmCtx, at: &Scope, id: &str) -> ApiResult<Response> {
    let id = guid(id, || EmulatorError::RoleDefinitionDoesNotExist(names::printable(id)))?;
    ok(render::role_definition(ctx.state.read_role_definition(&ctx.caller, at, id).arm()?, at.subscription()))
}

#[derive(Deserialize)]
struct DefinitionBody {
    properties: DefinitionProperties,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DefinitionProperties {
    role_name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    assignable_scopes: Vec<String>,
    #[serde(default)]
    permissions: Vec<Permission>,
}

pub fn put_definition(ctx: &ArmCtx, at: &Scope, id: &str) -> ApiResult<Response> {
    let id = guid(id, || {
        EmulatorError::InvalidRoleDefinition(format!(
            "The role definition ID '{}' is not valid. The role definition ID must be a GUID.",
            names::printable(id)
        ))
    })?;
    let body: DefinitionBody = ctx.json()?;
    let p = body.properties;
    let spec = RoleDefinitionSpec {
        role_name: p.role_name.unwrap_or_default(),
        description: p.description.unwrap_or_default(),
        permissions: p.permissions,
        assignable_scopes: p.assignable_scopes,
    };
    let ((def, _created), _) = ctx.commit(|s| s.put_role_definition(&ctx.caller, at, id, spec))?;
    // ARM answers 201 to every successful role-definition PUT, update included (`az role definition
    // update` fails on a 200).
    put_response(render::role_definition(&def, at.subscription()), true)
}

pub fn delete_definition(ctx: &ArmCtx, at: &Scope, id: &str) -> ApiResult<Response> {
    let id = guid(id, || EmulatorError::RoleDefinitionDoesNotExist(names::printable(id)))?;
    let (removed, _) = ctx.commit(|s| s.delete_role_definition(&ctx.caller, id))?;
    match removed {
        Some(def) => ok(render::role_definition(&def, at.subscription())),
        None => Ok(axum::http::StatusCode::NO_CONTENT.into_response()),
    }
}

/// Lists assignments related to a scope: with `atScope()` those at or above it, otherwise also those
/// beneath it; optionally only a principal's (`principalId eq` or `assignedTo()`).
pub fn list_assignments(ctx: &ArmCtx, at: &Scope) -> ApiResult<Response> {
    let mut at_scope_only = false;
    let mut principal: Option<Uuid> = None;
    for c in clauses(ctx) {
        if c.eq_ignore_ascii_case("atScope()") {
            at_scope_only = true;
        } else if let Some(rest) = c.strip_prefix("assignedTo(").and_then(|r| r.strip_suffix(')')) {
            principal = Uuid::parse_str(rest.trim_matches('\'')).ok();
        } else if let Ok(filter::Filter::Eq { field, value }) = filter::parse(&c) {
            if !field.eq_ignore_ascii_case("principalId") {
                return Err(bad_filter(&c));
            }
            principal = Some(Uuid::parse_str(&value).map_err(|_| bad_filter(&c))?);
        } else {
            return Err(bad_filter(&c));
        }
    }
    let found = ctx.state.list_role_assignments(&ctx.caller, at, at_scope_only, principal).arm()?;
    list(ctx, found.into_iter(), render::role_assignment)
}

fn assignment_id(raw: &str) -> ApiResult<Uuid> {
    guid(raw, || EmulatorError::InvalidRoleAssignmentId(names::printable(raw)))
}

pub fn get_assignment(ctx: &ArmCtx, at: &Scope, id: &str) -> ApiResult<Response> {
    let id = assignment_id(id)?;
    ok(render::role_assignment(ctx.state.read_role_assignment(&ctx.caller, at, id).arm()?))
}

#[derive(Deserialize)]
struct AssignmentBody {
    properties: AssignmentProperties,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssignmentProperties {
    role_definition_id: Option<String>,
    principal_id: Option<String>,
    principal_type: Option<String>,
    description: Option<String>,
}

pub fn put_assignment(ctx: &ArmCtx, at: &Scope, id: &str) -> ApiResult<Response> {
    let id = assignment_id(id)?;
    let body: AssignmentBody = ctx.json()?;
    let p = body.properties;
    let missing = |f: &str| {
        ApiError::arm(EmulatorError::InvalidParameter(format!(
            "Required property '{f}' not found in JSON. Path 'properties'."
        )))
    };
    let spec = RoleAssignmentSpec {
        role_definition_id: p.role_definition_id.ok_or_else(|| missing("roleDefinitionId"))?,
        principal_id: p.principal_id.ok_or_else(|| missing("principalId"))?,
        principal_type: p.principal_type,
        description: p.description,
    };
    let ((assignment, created), _) = ctx.commit(|s| s.put_role_assignment(&ctx.caller, at, id, spec))?;
    put_response(render::role_assignment(&assignment), created)
}

pub fn delete_assignment(ctx: &ArmCtx, at: &Scope, id: &str) -> ApiResult<Response> {
    let id = assignment_id(id)?;
    match ctx.commit(|s| s.delete_role_assignment(&ctx.caller, at, id))?.0 {
        Some(a) => ok(render::role_assignment(&a)),
        None => Ok(axum::http::StatusCode::NO_CONTENT.into_response()),
    }
}

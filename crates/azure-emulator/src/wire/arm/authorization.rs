//! Role definitions and role assignments at any scope.

use super::{list, ok, put_response, render, ArmCtx};
use crate::error::EmulatorError;
use crate::model::authorization::{RoleAssignmentSpec, RoleDefinitionSpec};
use crate::model::rbac::Permission;
use crate::model::scope::{self, Scope};
use crate::wire::envelope::{ApiError, ApiResult, WithFlavor};
use crate::wire::graph::filter;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

fn guid(raw: &str, err: impl FnOnce() -> EmulatorError) -> ApiResult<Uuid> {
    Uuid::parse_str(raw).map_err(|_| ApiError::arm(err()))
}

/// Root-scope reads of role definitions are open to every signed-in principal, as in Azure.
fn authorize_read(ctx: &ArmCtx, at: &Scope, action: &str) -> ApiResult<()> {
    if at == &Scope::Root {
        return Ok(());
    }
    ctx.state().ensure_scope_exists(at).arm()?;
    ctx.authorize(action, &at.id())
}

/// `$filter` clauses joined by `and`; `atScope()` is handled by the caller.
fn clauses(ctx: &ArmCtx) -> Vec<String> {
    ctx.query
        .get("$filter")
        .map(|f| f.split(" and ").map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect())
        .unwrap_or_default()
}

pub fn list_definitions(ctx: &ArmCtx, at: &Scope) -> ApiResult<Response> {
    authorize_read(ctx, at, "Microsoft.Authorization/roleDefinitions/read")?;
    let filters =
        clauses(ctx).iter().map(|c| filter::parse(c).map_err(|_| bad_filter(c))).collect::<ApiResult<Vec<_>>>()?;
    let state = ctx.state();
    let values: Vec<Value> = state
        .role_definitions_at(&at.id())
        .into_iter()
        .map(|r| render::role_definition(r, at.subscription()))
        .filter(|v| filters.iter().all(|f| f.matches(&v["properties"])))
        .collect();
    list(values)
}

fn bad_filter(clause: &str) -> ApiError {
    ApiError::arm(EmulatorError::InvalidParameter(format!("The $filter clause '{clause}' is not supported.")))
}

pub fn get_definition(ctx: &ArmCtx, at: &Scope, id: &str) -> ApiResult<Response> {
    authorize_read(ctx, at, "Microsoft.Authorization/roleDefinitions/read")?;
    let id = guid(id, || EmulatorError::RoleDefinitionDoesNotExist(id.to_string()))?;
    let state = ctx.state();
    let def = state
        .role_definition(id)
        .ok_or_else(|| ApiError::arm(EmulatorError::RoleDefinitionDoesNotExist(id.to_string())))?;
    ok(render::role_definition(def, at.subscription()))
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
            "The role definition ID '{id}' is not valid. The role definition ID must be a GUID."
        ))
    })?;
    if at != &Scope::Root {
        ctx.state().ensure_scope_exists(at).arm()?;
        ctx.authorize("Microsoft.Authorization/roleDefinitions/write", &at.id())?;
    }
    let body: DefinitionBody = ctx.json()?;
    let p = body.properties;
    let spec = RoleDefinitionSpec {
        role_name: p.role_name.unwrap_or_default(),
        description: p.description.unwrap_or_default(),
        permissions: p.permissions,
        assignable_scopes: p.assignable_scopes,
    };
    let (def, created) = ctx.app.store.write(|s| s.put_role_definition(&ctx.caller, id, spec, ctx.now)).arm()?;
    put_response(render::role_definition(&def, at.subscription()), created)
}

pub fn delete_definition(ctx: &ArmCtx, at: &Scope, id: &str) -> ApiResult<Response> {
    let id = guid(id, || EmulatorError::RoleDefinitionDoesNotExist(id.to_string()))?;
    let removed = ctx.app.store.write(|s| s.delete_role_definition(&ctx.caller, id, ctx.now)).arm()?;
    match removed {
        Some(def) => ok(render::role_definition(&def, at.subscription())),
        None => Ok(axum::http::StatusCode::NO_CONTENT.into_response()),
    }
}

/// Lists assignments related to a scope: with `atScope()` those at or above it, otherwise also those
/// beneath it; optionally only a principal's (`principalId eq` or `assignedTo()`).
pub fn list_assignments(ctx: &ArmCtx, at: &Scope) -> ApiResult<Response> {
    authorize_read(ctx, at, "Microsoft.Authorization/roleAssignments/read")?;
    let target = at.id();
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
    let state = ctx.state();
    let tenant = at.subscription().and_then(|s| state.tenant_of_subscription(s)).unwrap_or(ctx.caller.tenant_id);
    let values = state
        .role_assignments
        .values()
        .filter(|a| a.tenant_id == tenant)
        .filter(|a| scope::is_within(&target, &a.scope) || (!at_scope_only && scope::is_within(&a.scope, &target)))
        .filter(|a| principal.is_none_or(|p| a.principal_id == p))
        .map(render::role_assignment)
        .collect();
    list(values)
}

fn assignment_id(raw: &str) -> ApiResult<Uuid> {
    guid(raw, || EmulatorError::InvalidRoleAssignmentId(raw.to_string()))
}

pub fn get_assignment(ctx: &ArmCtx, at: &Scope, id: &str) -> ApiResult<Response> {
    authorize_read(ctx, at, "Microsoft.Authorization/roleAssignments/read")?;
    let id = assignment_id(id)?;
    let state = ctx.state();
    state
        .role_assignments
        .get(&id)
        .filter(|a| scope::normalize(&a.scope) == scope::normalize(&at.id()))
        .map(|a| ok(render::role_assignment(a)))
        .unwrap_or_else(|| Err(ApiError::arm(EmulatorError::RoleAssignmentNotFound(id.to_string()))))
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
    ctx.state().ensure_scope_exists(at).arm()?;
    ctx.authorize("Microsoft.Authorization/roleAssignments/write", &at.id())?;
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
    let (assignment, created) =
        ctx.app.store.write(|s| s.put_role_assignment(&ctx.caller, at, id, spec, ctx.now)).arm()?;
    put_response(render::role_assignment(&assignment), created)
}

pub fn delete_assignment(ctx: &ArmCtx, at: &Scope, id: &str) -> ApiResult<Response> {
    let id = assignment_id(id)?;
    ctx.authorize("Microsoft.Authorization/roleAssignments/delete", &at.id())?;
    match ctx.app.store.write(|s| Ok(s.delete_role_assignment(at, id))).arm()? {
        Some(a) => ok(render::role_assignment(&a)),
        None => Ok(axum::http::StatusCode::NO_CONTENT.into_response()),
    }
}

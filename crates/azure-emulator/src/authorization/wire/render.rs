//! ARM's JSON for role definitions and role assignments.

use crate::authorization::rbac::{RoleAssignment, RoleDefinition, RoleType};
use crate::wire::arm::time;
use serde_json::{json, Value};

/// Role definition ids read back subscription-scoped when asked at or under a subscription.
pub fn role_definition_id(subscription: Option<uuid::Uuid>, id: &uuid::Uuid) -> String {
    match subscription {
        Some(s) => format!("/subscriptions/{s}/providers/Microsoft.Authorization/roleDefinitions/{id}"),
        None => format!("/providers/Microsoft.Authorization/roleDefinitions/{id}"),
    }
}

pub fn role_definition(r: &RoleDefinition, subscription: Option<uuid::Uuid>) -> Value {
    json!({
        "id": role_definition_id(subscription, &r.id),
        "name": r.id,
        "type": "Microsoft.Authorization/roleDefinitions",
        "properties": {
            "roleName": r.role_name,
            "type": match r.role_type { RoleType::BuiltInRole => "BuiltInRole", RoleType::CustomRole => "CustomRole" },
            "description": r.description,
            "assignableScopes": r.assignable_scopes,
            "permissions": r.permissions,
            "createdOn": time(r.created),
            "updatedOn": time(r.updated),
            "createdBy": r.created_by,
            "updatedBy": r.updated_by,
        },
    })
}

pub fn role_assignment(a: &RoleAssignment) -> Value {
    let sub = crate::authorization::scope::Scope::parse(&a.scope).ok().and_then(|s| s.subscription());
    json!({
        "id": format!("{}/providers/Microsoft.Authorization/roleAssignments/{}", a.scope.trim_end_matches('/'), a.id),
        "name": a.id,
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {
            "roleDefinitionId": role_definition_id(sub, &a.role_definition_id),
            "principalId": a.principal_id,
            "principalType": a.principal_type,
            "scope": a.scope,
            "condition": null,
            "conditionVersion": null,
            "createdOn": time(a.created),
            "updatedOn": time(a.created),
            "createdBy": a.created_by,
            "updatedBy": a.created_by,
            "delegatedManagedIdentityResourceId": null,
            "description": a.description,
        },
    })
}

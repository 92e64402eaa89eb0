//! Role definitions and role assignments at any scope. Assignment creation is idempotent:
//! `RoleAssignmentExists` answers with the assignment that already exists.

use super::authorization_types::{AssignmentWire, DefinitionWire};
use super::{ArmClient, PrincipalType, RoleAssignment, RoleDefinition, RoleDefinitionSpec, Tenants};
use crate::error::Result;
use crate::url_util::odata_string;
use serde_json::json;
use uuid::Uuid;

pub const AUTHORIZATION_API_VERSION: &str = "2022-04-01";

/// `{scope}/providers/Microsoft.Authorization/{kind}`, with the root scope `/` giving no prefix.
fn under(scope: &str, kind: &str) -> String {
    format!("{}/providers/Microsoft.Authorization/{kind}", scope.trim_end_matches('/'))
}

impl ArmClient {
    /// Role definitions usable at `scope`, optionally only the one named `role_name`.
    pub async fn list_role_definitions(
        &self,
        tenant: &str,
        scope: &str,
        role_name: Option<&str>,
    ) -> Result<Vec<RoleDefinition>> {
        let filter = role_name.map(|n| format!("roleName eq {}", odata_string(n)));
        let query: Vec<(&str, &str)> = filter.as_deref().map(|f| ("$filter", f)).into_iter().collect();
        let path = under(scope, "roleDefinitions");
        let ws: Vec<DefinitionWire> =
            self.list(&Tenants::new(tenant), &path, AUTHORIZATION_API_VERSION, &query).await?;
        Ok(ws.into_iter().map(RoleDefinition::from).collect())
    }

    /// Creates or updates the custom role `id` at `scope` (normally its first assignable scope).
    pub async fn put_role_definition(
        &self,
        tenant: &str,
        scope: &str,
        id: Uuid,
        spec: &RoleDefinitionSpec,
    ) -> Result<RoleDefinition> {
        let body = json!({"properties": {
            "roleName": spec.role_name,
            "description": spec.description,
            "assignableScopes": spec.assignable_scopes,
            "permissions": spec.permissions,
        }});
        let path = format!("{}/{id}", under(scope, "roleDefinitions"));
        let w: DefinitionWire = self.put(&Tenants::new(tenant), &path, AUTHORIZATION_API_VERSION, &body).await?;
        Ok(RoleDefinition::from(w))
    }

    /// Assigns `role_definition_id` to `principal_id` at `scope`. When the assignment already
    /// exists (`RoleAssignmentExists`), returns the existing one. Giving `principal_type` lets ARM
    /// accept a principal that has not replicated yet.
    pub async fn create_role_assignment(
        &self,
        tenant: &str,
        scope: &str,
        role_definition_id: &str,
        principal_id: &str,
        principal_type: Option<PrincipalType>,
    ) -> Result<RoleAssignment> {
        let mut props = json!({"roleDefinitionId": role_definition_id, "principalId": principal_id});
        if let Some(t) = principal_type {
            props["principalType"] = t.as_str().into();
        }
        let path = format!("{}/{}", under(scope, "roleAssignments"), Uuid::new_v4());
        let tenants = Tenants::new(tenant);
        match self
            .put::<_, AssignmentWire>(&tenants, &path, AUTHORIZATION_API_VERSION, &json!({"properties": props}))
            .await
        {
            Ok(w) => Ok(RoleAssignment::from(w)),
            Err(e) if e.is_arm_code("RoleAssignmentExists") => {
                let existing = self.list_role_assignments(tenant, scope, Some(principal_id)).await?;
                existing.into_iter().find(|a| a.grants(scope, role_definition_id, principal_id)).ok_or(e)
            }
            Err(e) => Err(e),
        }
    }

    /// Assignments at `scope` or inherited from above it (`atScope()`), optionally only those of
    /// one principal.
    pub async fn list_role_assignments(
        &self,
        tenant: &str,
        scope: &str,
        principal_id: Option<&str>,
    ) -> Result<Vec<RoleAssignment>> {
        let filter = match principal_id {
            Some(p) => format!("atScope() and assignedTo({})", odata_string(p)),
            None => "atScope()".to_string(),
        };
        let path = under(scope, "roleAssignments");
        let ws: Vec<AssignmentWire> =
            self.list(&Tenants::new(tenant), &path, AUTHORIZATION_API_VERSION, &[("$filter", &filter)]).await?;
        Ok(ws.into_iter().map(RoleAssignment::from).collect())
    }

    /// Deletes an assignment by its full id; `Ok(false)` when it was already gone.
    pub async fn delete_role_assignment(&self, tenant: &str, assignment_id: &str) -> Result<bool> {
        self.delete(&Tenants::new(tenant), assignment_id, AUTHORIZATION_API_VERSION).await
    }
}

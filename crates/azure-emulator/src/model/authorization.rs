//! RBAC rules over the state: deciding access, and writing role definitions and assignments.

use super::builtin_roles::builtin_roles;
use super::identity::Principal;
use super::rbac::{self, Permission, RoleAssignment, RoleDefinition, RoleType};
use super::scope::{self, Scope};
use super::state::State;
use crate::error::{EmulatorError, Result};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// What a client sends to create or update a custom role.
#[derive(Debug, Clone)]
pub struct RoleDefinitionSpec {
    pub role_name: String,
    pub description: String,
    pub permissions: Vec<Permission>,
    pub assignable_scopes: Vec<String>,
}

/// What a client sends to create a role assignment.
#[derive(Debug, Clone)]
pub struct RoleAssignmentSpec {
    pub role_definition_id: String,
    pub principal_id: String,
    pub principal_type: Option<String>,
    pub description: Option<String>,
}

impl State {
    pub fn role_definition(&self, id: Uuid) -> Option<&RoleDefinition> {
        builtin_roles().iter().find(|r| r.id == id).or_else(|| self.role_definitions.get(&id))
    }

    pub fn is_allowed(&self, principal: Uuid, action: &str, target: &str, now: DateTime<Utc>) -> bool {
        rbac::is_allowed(self.role_assignments.values(), |id| self.role_definition(id), principal, action, target, now)
    }

    pub fn authorize(&self, p: &Principal, action: &str, target: &str, now: DateTime<Utc>) -> Result<()> {
        if self.is_allowed(p.object_id, action, target, now) {
            Ok(())
        } else {
            Err(EmulatorError::AuthorizationFailed {
                client: p.display.clone(),
                object_id: p.object_id.to_string(),
                action: action.to_string(),
                scope: target.to_string(),
            })
        }
    }

    /// The subscriptions `GET /subscriptions` lists: those of the token's tenant in which the caller
    /// holds any assignment that has taken effect.
    pub fn subscriptions_visible_to(&self, p: &Principal, now: DateTime<Utc>) -> Vec<&super::resources::Subscription> {
        self.subscriptions
            .values()
            .filter(|s| s.tenant_id == p.tenant_id)
            .filter(|s| {
                let sub_scope = format!("/subscriptions/{}", s.id);
                self.role_assignments.values().any(|a| {
                    a.principal_id == p.object_id
                        && a.effective_at <= now
                        && (scope::is_within(&a.scope, &sub_scope) || scope::is_within(&sub_scope, &a.scope))
                })
            })
            .collect()
    }

    /// Checks that a scope names something that exists, answering as ARM does when it does not.
    pub fn ensure_scope_exists(&self, s: &Scope) -> Result<()> {
        let sub = match s.subscription() {
            None => return Ok(()),
            Some(sub) => sub,
        };
        if !self.subscriptions.contains_key(&sub) {
            return Err(EmulatorError::SubscriptionNotFound(sub.to_string()));
        }
        match s {
            Scope::Root | Scope::Subscription(_) => Ok(()),
            Scope::ResourceGroup { subscription, resource_group } => {
                self.resource_group(*subscription, resource_group).map(|_| ())
            }
            Scope::VirtualNetwork(v) => self.virtual_network(v).map(|_| ()),
            Scope::VnetChild { vnet, kind, name } => {
                let net = self.virtual_network(vnet)?;
                let exists = if kind == "subnets" { net.subnet(name).is_some() } else { net.peering(name).is_some() };
                if exists {
                    Ok(())
                } else {
                    Err(EmulatorError::ResourceNotFound {
                        resource_type: format!("Microsoft.Network/virtualNetworks/{}/{kind}", vnet.name),
                        name: name.clone(),
                        resource_group: vnet.resource_group.clone(),
                    })
                }
            }
        }
    }

    /// Built-ins plus the custom roles whose assignable scopes lie on the same branch as `at`.
    pub fn role_definitions_at(&self, at: &str) -> Vec<&RoleDefinition> {
        builtin_roles()
            .iter()
            .chain(
                self.role_definitions
                    .values()
                    .filter(|r| r.assignable_scopes.iter().any(|s| scope::is_within(at, s) || scope::is_within(s, at))),
            )
            .collect()
    }

    /// Creates or updates a custom role. Names are unique per tenant; every assignable scope must exist,
    /// lie in one tenant, and allow the caller `roleDefinitions/write`.
    pub fn put_role_definition(
        &mut self,
        p: &Principal,
        id: Uuid,
        spec: RoleDefinitionSpec,
        now: DateTime<Utc>,
    ) -> Result<(RoleDefinition, bool)> {
        if builtin_roles().iter().any(|r| r.id == id) {
            return Err(EmulatorError::BuiltInRoleReadOnly);
        }
        if spec.role_name.trim().is_empty() {
            return Err(EmulatorError::InvalidRoleDefinition(
                "The role definition must have a non-empty roleName.".into(),
            ));
        }
        if spec.assignable_scopes.is_empty() {
            return Err(EmulatorError::InvalidRoleDefinition(
                "The role definition must have at least one assignable scope.".into(),
            ));
        }
        if spec.permissions.iter().all(|p| p.actions.is_empty() && p.data_actions.is_empty()) {
            return Err(EmulatorError::InvalidRoleDefinition(
                "The role definition must grant at least one action.".into(),
            ));
        }
        let mut tenant = None;
        let mut scopes = Vec::new();
        for raw in &spec.assignable_scopes {
            let parsed = Scope::parse(raw).map_err(|_| EmulatorError::LinkedInvalidPropertyId {
                id: raw.clone(),
                path: "properties.assignableScopes".into(),
            })?;
            let sub = parsed.subscription().ok_or_else(|| {
                EmulatorError::InvalidRoleDefinition("The root scope '/' cannot be an assignable scope of a custom role; use a subscription, resource group or resource.".into())
            })?;
            self.ensure_scope_exists(&parsed)?;
            let t = self.tenant_of_subscription(sub).expect("scope exists");
            if tenant.is_some_and(|x| x != t) {
                return Err(EmulatorError::InvalidRoleDefinition(
                    "All assignable scopes of a role definition must belong to one tenant.".into(),
                ));
            }
            tenant = Some(t);
            self.authorize(p, "Microsoft.Authorization/roleDefinitions/write", &parsed.id(), now)?;
            scopes.push(parsed.id());
        }
        let tenant = tenant.expect("at least one scope");
        let clash = self.role_definitions.values().any(|r| {
            r.id != id && r.tenant_id == Some(tenant) && r.role_name.eq_ignore_ascii_case(spec.role_name.trim())
        }) || builtin_roles().iter().any(|r| r.role_name.eq_ignore_ascii_case(spec.role_name.trim()));
        if clash {
            return Err(EmulatorError::RoleDefinitionWithSameNameExists);
        }
        let existing = self.role_definitions.get(&id).cloned();
        if existing.as_ref().is_some_and(|e| e.tenant_id != Some(tenant)) {
            return Err(EmulatorError::RoleDefinitionDoesNotExist(id.to_string()));
        }
        let def = RoleDefinition {
            id,
            role_name: spec.role_name.trim().to_string(),
            description: spec.description,
            role_type: RoleType::CustomRole,
            permissions: spec.permissions,
            assignable_scopes: scopes,
            tenant_id: Some(tenant),
            created: existing.as_ref().map(|e| e.created).unwrap_or(now),
            updated: now,
            created_by: existing.as_ref().map(|e| e.created_by).unwrap_or(Some(p.object_id)),
            updated_by: Some(p.object_id),
        };
        self.role_definitions.insert(id, def.clone());
        Ok((def, existing.is_none()))
    }

    pub fn delete_role_definition(
        &mut self,
        p: &Principal,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<RoleDefinition>> {
        if builtin_roles().iter().any(|r| r.id == id) {
            return Err(EmulatorError::BuiltInRoleReadOnly);
        }
        let Some(def) = self.role_definitions.get(&id) else { return Ok(None) };
        for s in &def.assignable_scopes {
            self.authorize(p, "Microsoft.Authorization/roleDefinitions/delete", s, now)?;
        }
        if self.role_assignments.values().any(|a| a.role_definition_id == id) {
            return Err(EmulatorError::InvalidRoleDefinition(
                "There are existing role assignments referencing role (code: RoleDefinitionHasAssignments). Delete them first.".into(),
            ));
        }
        Ok(self.role_definitions.remove(&id))
    }

    /// Creates a role assignment (PUT is create-only in ARM: the same id again with the same content is
    /// a no-op, anything else is refused).
    pub fn put_role_assignment(
        &mut self,
        p: &Principal,
        at: &Scope,
        id: Uuid,
        spec: RoleAssignmentSpec,
        now: DateTime<Utc>,
    ) -> Result<(RoleAssignment, bool)> {
        self.ensure_scope_exists(at)?;
        let scope_id = at.id();
        let role_guid = spec
            .role_definition_id
            .rsplit('/')
            .next()
            .and_then(|g| Uuid::parse_str(g).ok())
            .ok_or_else(|| EmulatorError::RoleDefinitionDoesNotExist(spec.role_definition_id.clone()))?;
        let role = self
            .role_definition(role_guid)
            .ok_or_else(|| EmulatorError::RoleDefinitionDoesNotExist(role_guid.to_string()))?;
        if !role.assignable_at(&scope_id) {
            return Err(EmulatorError::RoleDefinitionNotAssignableAtScope {
                role: role.role_name.clone(),
                scope: scope_id,
                assignable: format!("{:?}", role.assignable_scopes),
            });
        }
        let tenant = at.subscription().and_then(|s| self.tenant_of_subscription(s)).unwrap_or(p.tenant_id);
        if role.tenant_id.is_some_and(|t| t != tenant) {
            return Err(EmulatorError::RoleDefinitionDoesNotExist(role_guid.to_string()));
        }
        let not_found =
            || EmulatorError::PrincipalNotFound { principal: spec.principal_id.clone(), tenant: tenant.to_string() };
        let principal_id = Uuid::parse_str(&spec.principal_id).map_err(|_| not_found())?;
        let kind = self.principal_exists_in(tenant, principal_id).ok_or_else(not_found)?;
        if let Some(t) = spec.principal_type.as_deref() {
            if !["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"].contains(&t) {
                return Err(EmulatorError::InvalidParameter(format!(
                    "The principal type '{t}' is not valid. Valid values are User, Group, ServicePrincipal, ForeignGroup and Device."
                )));
            }
        }
        if let Some(existing) = self.role_assignments.get(&id) {
            let same = existing.principal_id == principal_id
                && existing.role_definition_id == role_guid
                && scope::normalize(&existing.scope) == scope::normalize(&scope_id);
            return if same {
                Ok((existing.clone(), false))
            } else {
                Err(EmulatorError::RoleAssignmentUpdateNotPermitted)
            };
        }
        if let Some(dup) = self.role_assignments.values().find(|a| {
            a.principal_id == principal_id
                && a.role_definition_id == role_guid
                && scope::normalize(&a.scope) == scope::normalize(&scope_id)
        }) {
            return Err(EmulatorError::RoleAssignmentExists(dup.id.simple().to_string()));
        }
        let delay = Duration::seconds(self.knobs.propagation_delay_seconds as i64);
        let assignment = RoleAssignment {
            id,
            scope: scope_id,
            role_definition_id: role_guid,
            principal_id,
            principal_type: Some(spec.principal_type.unwrap_or_else(|| kind.to_string())),
            tenant_id: tenant,
            description: spec.description,
            created: now,
            effective_at: now + delay,
            created_by: Some(p.object_id),
        };
        self.role_assignments.insert(id, assignment.clone());
        Ok((assignment, true))
    }

    pub fn delete_role_assignment(&mut self, at: &Scope, id: Uuid) -> Option<RoleAssignment> {
        let matches =
            self.role_assignments.get(&id).is_some_and(|a| scope::normalize(&a.scope) == scope::normalize(&at.id()));
        if matches {
            self.role_assignments.remove(&id)
        } else {
            None
        }
    }

    /// Removes everything attached at or beneath a deleted scope.
    pub(crate) fn drop_assignments_within(&mut self, deleted: &str) {
        self.role_assignments.retain(|_, a| !scope::is_within(&a.scope, deleted));
    }
}

//! RBAC rules over the state: deciding access, and writing role definitions and assignments.

use crate::authorization::access::{Caller, Op};
use crate::authorization::builtin_roles::builtin_roles;
use crate::authorization::rbac::{self, Permission, RoleAssignment, RoleDefinition, RoleType};
use crate::authorization::scope::{self, Scope};
use crate::error::{EmulatorError, Result};
use crate::identity::objects::Principal;
use crate::model::state::State;
use crate::model::{limits, names};
use chrono::{DateTime, Utc};
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

    /// The subscriptions `GET /subscriptions` lists: those of the token's tenant in which the caller
    /// holds any assignment that has taken effect.
    pub fn subscriptions_visible_to(
        &self,
        p: &Principal,
        now: DateTime<Utc>,
    ) -> Vec<&crate::network::resources::Subscription> {
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

    /// A subscription `GET /subscriptions/{id}` may show, or `AuthorizationFailed`.
    pub fn read_subscription(&self, c: &Caller, id: Uuid) -> Result<&crate::network::resources::Subscription> {
        self.subscriptions_visible_to(&c.principal, c.now).into_iter().find(|s| s.id == id).ok_or_else(|| {
            crate::authorization::access::denied(c, Op::ReadSubscription, &format!("/subscriptions/{id}"))
        })
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
            Scope::NetworkInterface(n) => self.network_interface(n).map(|_| ()),
            Scope::VnetChild { vnet, kind, name } => {
                let net = self.virtual_network(vnet)?;
                let exists = if kind == "subnets" { net.subnet(name).is_some() } else { net.peering(name).is_some() };
                if exists {
                    Ok(())
                } else {
                    Err(EmulatorError::NetworkChildNotFound(s.id()))
                }
            }
        }
    }

    /// Reads at a scope need the scope to exist and the read action there; the root is open to every
    /// signed-in principal, but shows only what the caller could read anyway.
    fn check_read_at(&self, c: &Caller, at: &Scope, op: Op) -> Result<()> {
        if at == &Scope::Root {
            return Ok(());
        }
        self.ensure_scope_exists(at)?;
        self.check(c, op, &at.id())
    }

    /// A custom role is visible to callers of its own tenant who may read role definitions at one
    /// of its assignable scopes; built-ins are visible to all.
    fn role_visible(&self, c: &Caller, r: &RoleDefinition) -> bool {
        match r.tenant_id {
            None => true,
            Some(t) => {
                t == c.principal.tenant_id && r.assignable_scopes.iter().any(|s| self.may(c, Op::ReadRoleDefinition, s))
            }
        }
    }

    /// Built-ins plus the custom roles the caller may see whose assignable scopes lie on the same
    /// branch as `at`, optionally narrowed by a predicate (`$filter`).
    pub fn list_role_definitions(
        &self,
        c: &Caller,
        at: &Scope,
        filter: impl Fn(&RoleDefinition) -> bool,
    ) -> Result<Vec<&RoleDefinition>> {
        self.check_read_at(c, at, Op::ReadRoleDefinition)?;
        let at_id = at.id();
        let on_branch = |r: &RoleDefinition| {
            r.assignable_scopes.iter().any(|s| scope::is_within(&at_id, s) || scope::is_within(s, &at_id))
        };
        Ok(builtin_roles()
            .iter()
            .chain(self.role_definitions.values().filter(|r| on_branch(r) && self.role_visible(c, r)))
            .filter(|r| filter(r))
            .collect())
    }

    pub fn read_role_definition(&self, c: &Caller, at: &Scope, id: Uuid) -> Result<&RoleDefinition> {
        self.check_read_at(c, at, Op::ReadRoleDefinition)?;
        self.role_definition(id)
            .filter(|r| self.role_visible(c, r))
            .ok_or_else(|| EmulatorError::RoleDefinitionDoesNotExist(id.to_string()))
    }

    /// Creates or updates a custom role. Names are unique per tenant; every assignable scope must exist,
    /// lie in one tenant, and allow the caller `roleDefinitions/write`.
    pub fn put_role_definition(
        &mut self,
        c: &Caller,
        at: &Scope,
        id: Uuid,
        spec: RoleDefinitionSpec,
    ) -> Result<(RoleDefinition, bool)> {
        let (p, now) = (&c.principal, c.now);
        if at != &Scope::Root {
            self.ensure_scope_exists(at)?;
            self.check(c, Op::WriteRoleDefinition, &at.id())?;
        }
        check_role_spec(&spec)?;
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
                id: names::printable(raw),
                path: "properties.assignableScopes".into(),
            })?;
            let sub = parsed.subscription().ok_or_else(|| {
                EmulatorError::InvalidRoleDefinition("The root scope '/' cannot be an assignable scope of a custom role; use a subscription, resource group or resource.".into())
            })?;
            self.ensure_scope_exists(&parsed)?;
            let t =
                self.tenant_of_subscription(sub).ok_or_else(|| EmulatorError::SubscriptionNotFound(sub.to_string()))?;
            if tenant.is_some_and(|x| x != t) {
                return Err(EmulatorError::InvalidRoleDefinition(
                    "All assignable scopes of a role definition must belong to one tenant.".into(),
                ));
            }
            tenant = Some(t);
            self.check(c, Op::WriteRoleDefinition, &parsed.id())?;
            scopes.push(parsed.id());
        }
        let Some(tenant) = tenant else {
            return Err(EmulatorError::InvalidRoleDefinition(
                "The role definition must have at least one assignable scope.".into(),
            ));
        };
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
        if existing.is_none() {
            let used = self.role_definitions.values().filter(|r| r.tenant_id == Some(tenant)).count();
            limits::quota("Custom roles in this directory", used, 1, limits::CUSTOM_ROLES_PER_TENANT)?;
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

    pub fn delete_role_definition(&mut self, c: &Caller, id: Uuid) -> Result<Option<RoleDefinition>> {
        if builtin_roles().iter().any(|r| r.id == id) {
            return Err(EmulatorError::BuiltInRoleReadOnly);
        }
        // Another tenant's role reads as absent, as it does everywhere else.
        let Some(def) = self.role_definitions.get(&id).filter(|d| d.tenant_id == Some(c.principal.tenant_id)) else {
            return Ok(None);
        };
        for s in &def.assignable_scopes {
            self.check(c, Op::DeleteRoleDefinition, s)?;
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
        c: &Caller,
        at: &Scope,
        id: Uuid,
        spec: RoleAssignmentSpec,
    ) -> Result<(RoleAssignment, bool)> {
        let (p, now) = (&c.principal, c.now);
        self.ensure_scope_exists(at)?;
        let scope_id = at.id();
        self.check(c, Op::WriteRoleAssignment, &scope_id)?;
        if let Some(d) = &spec.description {
            limits::arm_len("properties.description", d, limits::DESCRIPTION)?;
        }
        limits::arm_len("properties.roleDefinitionId", &spec.role_definition_id, 1024)?;
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
        let not_found = || EmulatorError::PrincipalNotFound {
            principal: names::printable(&spec.principal_id),
            tenant: tenant.to_string(),
        };
        let principal_id = Uuid::parse_str(&spec.principal_id).map_err(|_| not_found())?;
        let kind = self.principal_exists_in(tenant, principal_id).ok_or_else(not_found)?;
        if let Some(t) = spec.principal_type.as_deref() {
            if !["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"].contains(&t) {
                return Err(EmulatorError::InvalidParameter(format!(
                    "The principal type '{}' is not valid. Valid values are User, Group, ServicePrincipal, ForeignGroup and Device.",
                    names::printable(t)
                )));
            }
        }
        if let Some(existing) = self.role_assignments.get(&id) {
            let same = existing.principal_id == principal_id
                && existing.role_definition_id == role_guid
                && scope::same(&existing.scope, &scope_id);
            return if same {
                Ok((existing.clone(), false))
            } else {
                Err(EmulatorError::RoleAssignmentUpdateNotPermitted)
            };
        }
        if let Some(dup) = self.role_assignments.values().find(|a| {
            a.principal_id == principal_id && a.role_definition_id == role_guid && scope::same(&a.scope, &scope_id)
        }) {
            return Err(EmulatorError::RoleAssignmentExists(dup.id.simple().to_string()));
        }
        if let Some(sub) = at.subscription() {
            let used = self
                .role_assignments
                .values()
                .filter(|a| a.tenant_id == tenant && in_subscription(&a.scope, sub))
                .count();
            limits::quota("Role assignments in this subscription", used, 1, limits::ROLE_ASSIGNMENTS_PER_SUBSCRIPTION)?;
        }
        let delay = i64::try_from(self.knobs.propagation_delay_seconds).unwrap_or(i64::MAX);
        let assignment = RoleAssignment {
            id,
            scope: scope_id,
            role_definition_id: role_guid,
            principal_id,
            principal_type: Some(spec.principal_type.unwrap_or_else(|| kind.to_string())),
            tenant_id: tenant,
            description: spec.description,
            created: now,
            effective_at: limits::add_seconds(now, delay),
            created_by: Some(p.object_id),
        };
        self.role_assignments.insert(id, assignment.clone());
        Ok((assignment, true))
    }

    pub fn delete_role_assignment(&mut self, c: &Caller, at: &Scope, id: Uuid) -> Result<Option<RoleAssignment>> {
        self.check(c, Op::DeleteRoleAssignment, &at.id())?;
        let matches = self.role_assignments.get(&id).is_some_and(|a| scope::same(&a.scope, &at.id()));
        Ok(if matches { self.role_assignments.remove(&id) } else { None })
    }

    /// Assignments related to a scope the caller may see: with `at_scope_only` those at or above it,
    /// otherwise also those beneath it; optionally only one principal's. Only the caller's tenant,
    /// and at the root only assignments at scopes where the caller may read assignments.
    pub fn list_role_assignments(
        &self,
        c: &Caller,
        at: &Scope,
        at_scope_only: bool,
        principal: Option<Uuid>,
    ) -> Result<Vec<&RoleAssignment>> {
        self.check_read_at(c, at, Op::ReadRoleAssignment)?;
        let target = at.id();
        let root = at == &Scope::Root;
        Ok(self
            .role_assignments
            .values()
            .filter(|a| a.tenant_id == c.principal.tenant_id)
            .filter(|a| scope::is_within(&target, &a.scope) || (!at_scope_only && scope::is_within(&a.scope, &target)))
            .filter(|a| !root || self.may(c, Op::ReadRoleAssignment, &a.scope))
            .filter(|a| principal.is_none_or(|p| a.principal_id == p))
            .collect())
    }

    pub fn read_role_assignment(&self, c: &Caller, at: &Scope, id: Uuid) -> Result<&RoleAssignment> {
        self.check_read_at(c, at, Op::ReadRoleAssignment)?;
        self.role_assignments
            .get(&id)
            .filter(|a| a.tenant_id == c.principal.tenant_id && scope::same(&a.scope, &at.id()))
            .filter(|a| at != &Scope::Root || self.may(c, Op::ReadRoleAssignment, &a.scope))
            .ok_or_else(|| EmulatorError::RoleAssignmentNotFound(id.to_string()))
    }

    /// Removes everything attached at or beneath a deleted scope.
    pub(crate) fn drop_assignments_within(&mut self, deleted: &str) {
        self.role_assignments.retain(|_, a| !scope::is_within(&a.scope, deleted));
    }
}

fn in_subscription(scope: &str, sub: Uuid) -> bool {
    scope::is_within(scope, &format!("/subscriptions/{sub}"))
}

/// A custom role's text fields and lists within Azure's limits.
fn check_role_spec(spec: &RoleDefinitionSpec) -> Result<()> {
    limits::arm_len("properties.roleName", &spec.role_name, limits::ROLE_NAME)?;
    limits::arm_len("properties.description", &spec.description, limits::DESCRIPTION)?;
    if spec.assignable_scopes.len() > limits::ASSIGNABLE_SCOPES {
        return Err(EmulatorError::InvalidRoleDefinition(format!(
            "A role definition has at most {} assignable scopes.",
            limits::ASSIGNABLE_SCOPES
        )));
    }
    let actions: Vec<&String> = spec
        .permissions
        .iter()
        .flat_map(|p| p.actions.iter().chain(&p.not_actions).chain(&p.data_actions).chain(&p.not_data_actions))
        .collect();
    if actions.len() > limits::ACTIONS_PER_ROLE {
        return Err(EmulatorError::InvalidRoleDefinition(format!(
            "A role definition lists at most {} actions.",
            limits::ACTIONS_PER_ROLE
        )));
    }
    actions.iter().try_for_each(|a| limits::arm_len("properties.permissions.actions", a, limits::ACTION_LENGTH))
}

//! Azure RBAC: role definitions, role assignments, and the one function that decides whether a
//! principal may perform an action at a scope.

use crate::authorization::scope;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    #[serde(default)]
    pub actions: Vec<String>,
    #[serde(default)]
    pub not_actions: Vec<String>,
    #[serde(default)]
    pub data_actions: Vec<String>,
    #[serde(default)]
    pub not_data_actions: Vec<String>,
}

impl Permission {
    /// An action is granted by a permission block when some `actions` pattern matches it and no
    /// `notActions` pattern does (NotActions subtract within their own block only, as in Azure).
    pub fn grants(&self, action: &str) -> bool {
        self.actions.iter().any(|p| action_matches(p, action))
            && !self.not_actions.iter().any(|p| action_matches(p, action))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoleType {
    BuiltInRole,
    CustomRole,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RoleDefinition {
    pub id: Uuid,
    pub role_name: String,
    pub description: String,
    pub role_type: RoleType,
    pub permissions: Vec<Permission>,
    pub assignable_scopes: Vec<String>,
    /// The tenant a custom role belongs to (role names are unique per tenant); none for built-ins.
    pub tenant_id: Option<Uuid>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
}

impl RoleDefinition {
    pub fn grants(&self, action: &str) -> bool {
        self.permissions.iter().any(|p| p.grants(action))
    }
    /// A role may be assigned at a scope at or beneath one of its assignable scopes.
    pub fn assignable_at(&self, target: &str) -> bool {
        self.assignable_scopes.iter().any(|s| scope::is_within(target, s))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RoleAssignment {
    pub id: Uuid,
    /// The scope as written by whoever made the assignment.
    pub scope: String,
    pub role_definition_id: Uuid,
    pub principal_id: Uuid,
    pub principal_type: Option<String>,
    pub tenant_id: Uuid,
    pub description: Option<String>,
    pub created: DateTime<Utc>,
    /// When the assignment starts to count: `created` plus the propagation delay in force then.
    pub effective_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
}

/// Glob match of an action pattern, case-insensitive; `*` matches any run of characters, `/` too
/// (`Microsoft.Authorization/*/read`, `*/read`, `Microsoft.Network/*`, `*`). Greedy with one
/// backtrack point, so a hostile pattern of many `*` costs at most pattern × action steps.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    let (p, a) = (pattern.as_bytes(), action.as_bytes());
    let (mut pi, mut ai) = (0, 0);
    let mut resume: Option<(usize, usize)> = None;
    while ai < a.len() {
        if pi < p.len() && p[pi] == b'*' {
            resume = Some((pi, ai));
            pi += 1;
        } else if pi < p.len() && p[pi].eq_ignore_ascii_case(&a[ai]) {
            pi += 1;
            ai += 1;
        } else if let Some((star, matched)) = resume {
            // let the last `*` swallow one more character and try again from there
            resume = Some((star, matched + 1));
            pi = star + 1;
            ai = matched + 1;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == b'*')
}

/// The decision: does `principal` hold `action` at `target`, through an assignment made at the target
/// or at any ancestor scope that has taken effect by `now`?
pub fn is_allowed<'a>(
    assignments: impl IntoIterator<Item = &'a RoleAssignment>,
    role: impl Fn(Uuid) -> Option<&'a RoleDefinition>,
    principal: Uuid,
    action: &str,
    target: &str,
    now: DateTime<Utc>,
) -> bool {
    assignments.into_iter().any(|a| {
        a.principal_id == principal
            && a.effective_at <= now
            && scope::is_within(target, &a.scope)
            && role(a.role_definition_id).is_some_and(|r| r.grants(action))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_like_azure() {
        assert!(action_matches("*", "Microsoft.Network/virtualNetworks/read"));
        assert!(action_matches("Microsoft.Network/*", "microsoft.network/virtualNetworks/peer/action"));
        assert!(action_matches("*/read", "Microsoft.Network/virtualNetworks/read"));
        assert!(action_matches("Microsoft.Authorization/*/read", "Microsoft.Authorization/roleAssignments/read"));
        assert!(!action_matches("Microsoft.Authorization/*/read", "Microsoft.Authorization/roleAssignments/write"));
        assert!(!action_matches("Microsoft.Network/virtualNetworks/read", "Microsoft.Network/virtualNetworks/readx"));
        assert!(action_matches("Microsoft.Network/**/action", "Microsoft.Network/virtualNetworks/peer/action"));
        assert!(!action_matches("a*b", "ab/c"));
        assert!(action_matches("", "") && !action_matches("", "x"));
    }

    #[test]
    fn a_pattern_of_many_stars_is_cheap() {
        // Exponential for a naive backtracking matcher: this would not finish.
        let pattern = format!("{}x", "*a".repeat(250));
        assert!(!action_matches(&pattern, &"a".repeat(500)));
        assert!(action_matches(&format!("{}a", "*".repeat(500)), &"a".repeat(500)));
    }
}

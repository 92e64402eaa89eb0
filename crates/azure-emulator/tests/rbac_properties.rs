//! Property tests of RBAC evaluation: wildcards, NotActions, scope inheritance and case-insensitive
//! ids, checked against the definition of each rule rather than against fixed examples.

use azure_emulator::authorization::rbac::{
    action_matches, is_allowed, Permission, RoleAssignment, RoleDefinition, RoleType,
};
use chrono::{Duration, Utc};
use proptest::prelude::*;
use uuid::Uuid;

fn role(actions: Vec<String>, not_actions: Vec<String>) -> RoleDefinition {
    let now = Utc::now();
    RoleDefinition {
        id: Uuid::new_v4(),
        role_name: "r".into(),
        description: String::new(),
        role_type: RoleType::CustomRole,
        permissions: vec![Permission { actions, not_actions, ..Default::default() }],
        assignable_scopes: vec!["/".into()],
        tenant_id: None,
        created: now,
        updated: now,
        created_by: None,
        updated_by: None,
    }
}

fn assignment(role: &RoleDefinition, principal: Uuid, scope: &str, delay_s: i64) -> RoleAssignment {
    let now = Utc::now();
    RoleAssignment {
        id: Uuid::new_v4(),
        scope: scope.into(),
        role_definition_id: role.id,
        principal_id: principal,
        principal_type: None,
        tenant_id: Uuid::nil(),
        description: None,
        created: now,
        effective_at: now + Duration::seconds(delay_s),
        created_by: None,
    }
}

fn allowed(r: &RoleDefinition, a: &RoleAssignment, principal: Uuid, action: &str, scope: &str) -> bool {
    is_allowed([a], |id| (id == r.id).then_some(r), principal, action, scope, Utc::now())
}

fn segment() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9]{0,6}"
}

fn action() -> impl Strategy<Value = String> {
    (segment(), segment(), segment(), prop::sample::select(vec!["read", "write", "delete", "action"]))
        .prop_map(|(ns, t, sub, verb)| format!("Microsoft.{ns}/{t}/{sub}/{verb}"))
}

/// A scope path: subscription, then optionally resource group, then optionally a VNet.
fn scope_chain() -> impl Strategy<Value = Vec<String>> {
    (any::<u128>(), segment(), segment()).prop_map(|(s, rg, vnet)| {
        let sub = format!("/subscriptions/{}", Uuid::from_u128(s));
        let rg = format!("{sub}/resourceGroups/{rg}");
        let vnet = format!("{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}");
        vec![sub, rg, vnet]
    })
}

fn flip_case(s: &str, mask: u64) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| if mask >> (i % 64) & 1 == 1 { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
        .collect()
}

proptest! {
    /// An assignment at any ancestor grants the action at every descendant, never at an unrelated
    /// sibling, and never upwards.
    #[test]
    fn inheritance_flows_down_only(chain in scope_chain(), other in scope_chain(), act in action(), at in 0usize..3, target in 0usize..3) {
        let r = role(vec![act.clone()], vec![]);
        let p = Uuid::new_v4();
        let a = assignment(&r, p, &chain[at], 0);
        prop_assert_eq!(allowed(&r, &a, p, &act, &chain[target]), target >= at);
        prop_assert!(!allowed(&r, &a, p, &act, &other[target]));
        prop_assert!(!allowed(&r, &a, Uuid::new_v4(), &act, &chain[target]), "another principal gets nothing");
    }

    /// Ids and actions compare without regard to case.
    #[test]
    fn case_never_changes_a_decision(chain in scope_chain(), act in action(), m1 in any::<u64>(), m2 in any::<u64>(), m3 in any::<u64>()) {
        let r = role(vec![flip_case(&act, m1)], vec![]);
        let p = Uuid::new_v4();
        let a = assignment(&r, p, &flip_case(&chain[0], m2), 0);
        prop_assert!(allowed(&r, &a, p, &flip_case(&act, m3), &flip_case(&chain[2], m1)));
    }

    /// Replacing any run of an action by `*` yields a pattern that still matches it; `*` alone
    /// matches everything; a pattern for another verb does not.
    #[test]
    fn wildcards_cover_what_they_replace(act in action(), start in 0usize..40, len in 0usize..40) {
        let start = start.min(act.len());
        let end = (start + len).min(act.len());
        let pattern = format!("{}*{}", &act[..start], &act[end..]);
        prop_assert!(action_matches(&pattern, &act));
        prop_assert!(action_matches("*", &act));
        let (head, _) = act.rsplit_once('/').unwrap();
        let other_verb = format!("{}/nothing", head);
        prop_assert!(!action_matches(&other_verb, &act));
    }

    /// NotActions subtract from Actions: `*` minus a pattern denies exactly what the pattern matches.
    #[test]
    fn not_actions_subtract(chain in scope_chain(), act in action(), denied in action()) {
        let r = role(vec!["*".into()], vec![denied.clone()]);
        let p = Uuid::new_v4();
        let a = assignment(&r, p, &chain[0], 0);
        prop_assert!(!allowed(&r, &a, p, &denied, &chain[2]));
        prop_assert_eq!(allowed(&r, &a, p, &act, &chain[2]), !act.eq_ignore_ascii_case(&denied));
    }

    /// An assignment counts only once its propagation delay has passed.
    #[test]
    fn assignments_wait_for_propagation(chain in scope_chain(), act in action(), delay in 1i64..10_000) {
        let r = role(vec![act.clone()], vec![]);
        let p = Uuid::new_v4();
        let a = assignment(&r, p, &chain[0], delay);
        let now = Utc::now();
        prop_assert!(!is_allowed([&a], |_| Some(&r), p, &act, &chain[1], now));
        prop_assert!(is_allowed([&a], |_| Some(&r), p, &act, &chain[1], now + Duration::seconds(delay + 1)));
    }
}

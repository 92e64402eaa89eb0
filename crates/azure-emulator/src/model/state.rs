//! The whole emulated world in one serialisable value. Every write copies it (in O(1): its tables
//! are persistent maps), applies one operation and swaps it in only on success, so a failed
//! operation never leaves half a record behind.

use crate::authorization::rbac::{RoleAssignment, RoleDefinition};
use crate::identity::objects::{Application, Principal, ServicePrincipal, Tenant, User};
use crate::model::table::{Change, Table};
use crate::network::resources::{NetworkInterface, ResourceGroup, Subscription, VirtualNetwork};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    /// The number of the last write applied, so a snapshot says which logged writes follow it.
    #[serde(default)]
    pub seq: u64,
    #[serde(default)]
    pub tenants: Table<Uuid, Tenant>,
    #[serde(default)]
    pub users: Table<Uuid, User>,
    #[serde(default)]
    pub applications: Table<Uuid, Application>,
    #[serde(default)]
    pub service_principals: Table<Uuid, ServicePrincipal>,
    #[serde(default)]
    pub subscriptions: Table<Uuid, Subscription>,
    /// Keyed by the lower-cased resource group id.
    #[serde(default)]
    pub resource_groups: Table<String, ResourceGroup>,
    /// Keyed by the lower-cased virtual network id.
    #[serde(default)]
    pub virtual_networks: Table<String, VirtualNetwork>,
    /// Keyed by the lower-cased network interface id.
    #[serde(default)]
    pub network_interfaces: Table<String, NetworkInterface>,
    /// Custom roles only; built-ins live in `builtin_roles`.
    #[serde(default)]
    pub role_definitions: Table<Uuid, RoleDefinition>,
    #[serde(default)]
    pub role_assignments: Table<Uuid, RoleAssignment>,
    #[serde(default)]
    pub knobs: Knobs,
    /// Long-running-operation records, kept until they expire.
    #[serde(default)]
    pub operations: Table<Uuid, crate::network::operations::AsyncOperation>,
    /// Derived from `virtual_networks`; rebuilt on load.
    #[serde(skip)]
    pub peer_index: crate::model::peer_index::PeerIndex,
}

/// The fidelity knobs, kept with the state so a restart keeps them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Knobs {
    /// Seconds between a role assignment being made and it taking effect.
    #[serde(default)]
    pub propagation_delay_seconds: u64,
    /// How far the emulator's clock runs ahead of the wall clock, in milliseconds.
    #[serde(default)]
    pub clock_offset_ms: i64,
    #[serde(default)]
    pub throttling: Throttling,
    /// Lifetime of issued access tokens.
    #[serde(default = "default_token_lifetime")]
    pub token_lifetime_seconds: u64,
    /// Items per page of an ARM list; more follow through `nextLink`.
    #[serde(default = "default_list_page_size")]
    pub list_page_size: usize,
}

fn default_list_page_size() -> usize {
    crate::model::limits::DEFAULT_LIST_PAGE_SIZE
}

fn default_token_lifetime() -> u64 {
    3599
}

impl Knobs {
    /// Brings values from an older or hand-edited state file into the accepted ranges, so no stored
    /// value can make time arithmetic overflow.
    pub fn sanitize(&mut self) {
        let max = crate::model::limits::MAX_CLOCK_OFFSET_MS;
        self.clock_offset_ms = self.clock_offset_ms.clamp(0, max);
        self.propagation_delay_seconds =
            self.propagation_delay_seconds.min(crate::model::limits::MAX_PROPAGATION_DELAY_SECONDS);
        self.token_lifetime_seconds = self.token_lifetime_seconds.clamp(60, 86_400);
        self.list_page_size = self.list_page_size.clamp(1, crate::model::limits::MAX_LIST_PAGE_SIZE);
    }
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            propagation_delay_seconds: 0,
            clock_offset_ms: 0,
            throttling: Throttling::default(),
            token_lifetime_seconds: default_token_lifetime(),
            list_page_size: default_list_page_size(),
        }
    }
}

/// ARM's per-subscription, per-principal token buckets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Throttling {
    pub enabled: bool,
    pub reads: Bucket,
    pub writes: Bucket,
    pub deletes: Bucket,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bucket {
    pub capacity: u32,
    pub refill_per_second: f64,
}

impl Default for Throttling {
    /// Azure's published limits for the bucket algorithm.
    fn default() -> Self {
        Throttling {
            enabled: true,
            reads: Bucket { capacity: 250, refill_per_second: 25.0 },
            writes: Bucket { capacity: 200, refill_per_second: 10.0 },
            deletes: Bucket { capacity: 200, refill_per_second: 10.0 },
        }
    }
}

/// The name each table has in a logged change; one list, so taking and replaying changes agree.
macro_rules! tables {
    ($($name:ident),* $(,)?) => {
        impl State {
            /// What this write changed since `before` (the state it copied), forgetting the
            /// touched keys so the next copy starts clean.
            pub fn take_changes(&mut self, before: &State) -> serde_json::Result<Vec<Change>> {
                self.reindex_peerings(before);
                let mut out = Vec::new();
                $(self.$name.drain_changes(stringify!($name), &mut out)?;)*
                if self.knobs != before.knobs {
                    out.push(Change { table: KNOBS.into(), key: Value::Null, value: Some(serde_json::to_value(&self.knobs)?) });
                }
                Ok(out)
            }

            /// Replays one logged change.
            pub fn apply_change(&mut self, c: Change) -> std::result::Result<(), String> {
                let applied = match c.table.as_str() {
                    $(stringify!($name) => self.$name.apply(c.key, c.value),)*
                    KNOBS => match c.value {
                        Some(v) => serde_json::from_value(v).map(|k| self.knobs = k),
                        None => return Err("a change removes the knobs".into()),
                    },
                    other => return Err(format!("a change to an unknown table {other:?}")),
                };
                applied.map_err(|e| format!("a change to {}: {e}", c.table))
            }

            /// Empties every table and restores the default knobs, as a logged write (the
            /// sequence number goes on).
            pub fn reset(&mut self) {
                $(self.$name.clear();)*
                self.knobs = Knobs::default();
            }

            /// True for a state no write ever reached.
            pub fn is_blank(&self) -> bool {
                self.seq == 0 $(&& self.$name.is_empty())* && self.knobs == Knobs::default()
            }
        }
    };
}

const KNOBS: &str = "knobs";

tables!(
    tenants,
    users,
    applications,
    service_principals,
    subscriptions,
    resource_groups,
    virtual_networks,
    network_interfaces,
    role_definitions,
    role_assignments,
    operations,
);

impl State {
    pub fn user(&self, id: Uuid) -> Option<&User> {
        self.users.get(&id)
    }

    pub fn user_by_upn(&self, upn: &str) -> Option<&User> {
        self.users.values().find(|u| u.user_principal_name.eq_ignore_ascii_case(upn))
    }

    pub fn application_by_app_id(&self, app_id: Uuid) -> Option<&Application> {
        self.applications.values().find(|a| a.app_id == app_id)
    }

    pub fn service_principal_for(&self, tenant: Uuid, app_id: Uuid) -> Option<&ServicePrincipal> {
        self.service_principals.values().find(|s| s.tenant_id == tenant && s.app_id == app_id)
    }

    pub fn tenant_of_subscription(&self, subscription: Uuid) -> Option<Uuid> {
        self.subscriptions.get(&subscription).map(|s| s.tenant_id)
    }

    /// True when the object id names a user or service principal of `tenant`.
    pub fn principal_exists_in(&self, tenant: Uuid, object_id: Uuid) -> Option<&'static str> {
        if self.users.get(&object_id).is_some_and(|u| u.tenant_id == tenant) {
            Some("User")
        } else if self.service_principals.get(&object_id).is_some_and(|s| s.tenant_id == tenant)
            || crate::identity::first_party::service_principals(tenant).any(|s| s.id == object_id)
        {
            Some("ServicePrincipal")
        } else {
            None
        }
    }

    /// The principal a token would carry for this user.
    pub fn user_principal(&self, user: &User, client_id: Uuid) -> Principal {
        Principal {
            tenant_id: user.tenant_id,
            object_id: user.id,
            app_id: client_id,
            kind: crate::identity::objects::PrincipalKind::User,
            display: user.user_principal_name.clone(),
        }
    }
}

//! Microsoft's own service principals, which every Entra ID tenant holds from its creation: clients
//! look them up (`$filter=appId eq '00000003-…'`) to read Graph's app roles or to grant consent.
//! They are derived, not stored: a tenant made by any path (world file, admin API, an older state
//! file) has them, they never count against the directory quota, and a tenant cannot remove them.

use crate::identity::objects::ServicePrincipal;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The tenant that owns Microsoft's first-party applications (their `appOwnerOrganizationId`).
pub const MICROSOFT_TENANT: Uuid = Uuid::from_u128(0xf8cdef31_a31e_4b4a_93e4_5f571e91255a);
pub const MICROSOFT_GRAPH: Uuid = Uuid::from_u128(0x00000003_0000_0000_c000_000000000000);
pub const SERVICE_MANAGEMENT: Uuid = Uuid::from_u128(0x797f4846_ba00_4fd7_ba43_dac1f8f63013);

struct FirstParty {
    app_id: Uuid,
    display_name: &'static str,
    names: &'static [&'static str],
}

const APPS: &[FirstParty] = &[
    FirstParty {
        app_id: MICROSOFT_GRAPH,
        display_name: "Microsoft Graph",
        names: &["https://graph.microsoft.com", "https://graph.microsoft.com/", "https://canary.graph.microsoft.com"],
    },
    FirstParty {
        app_id: SERVICE_MANAGEMENT,
        display_name: "Windows Azure Service Management API",
        names: &["https://management.core.windows.net/", "https://management.azure.com/"],
    },
];

pub fn is_first_party(app_id: Uuid) -> bool {
    APPS.iter().any(|a| a.app_id == app_id)
}

/// A fixed object id per tenant and app, so reads agree across restarts without storing anything.
fn object_id(tenant: Uuid, app_id: Uuid) -> Uuid {
    let digest = Sha256::new().chain_update(tenant.as_bytes()).chain_update(app_id.as_bytes()).finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

fn created() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).single().unwrap_or_default()
}

/// The first-party service principals of `tenant`.
pub fn service_principals(tenant: Uuid) -> impl Iterator<Item = ServicePrincipal> {
    APPS.iter().map(move |a| {
        let mut names: Vec<Value> = vec![json!(a.app_id.to_string())];
        names.extend(a.names.iter().map(|n| json!(n)));
        let mut properties = Map::new();
        properties.insert("servicePrincipalNames".into(), Value::Array(names));
        ServicePrincipal {
            id: object_id(tenant, a.app_id),
            app_id: a.app_id,
            tenant_id: tenant,
            app_owner_tenant_id: MICROSOFT_TENANT,
            display_name: a.display_name.into(),
            account_enabled: true,
            directory_roles: vec![],
            created: created(),
            properties,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_tenant_has_its_own_stable_ids() {
        let (t1, t2) = (Uuid::new_v4(), Uuid::new_v4());
        let ids = |t| service_principals(t).map(|s| s.id).collect::<Vec<_>>();
        assert_eq!(ids(t1), ids(t1));
        assert!(ids(t1).iter().all(|id| !ids(t2).contains(id)));
        let names: Vec<_> = service_principals(t1).map(|s| (s.app_id, s.display_name)).collect();
        assert_eq!(
            names,
            [
                (MICROSOFT_GRAPH, "Microsoft Graph".into()),
                (SERVICE_MANAGEMENT, "Windows Azure Service Management API".into())
            ]
        );
    }
}

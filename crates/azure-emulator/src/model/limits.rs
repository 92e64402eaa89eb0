//! Azure's published limits, so every tenant's share of memory and disk is bounded: string lengths,
//! objects per container, and the valid range of dates and durations.

use crate::error::{EmulatorError, Result};
use chrono::{DateTime, Duration, Utc};

/// Entra ID: a free tenant holds at most 50,000 directory objects.
pub const DIRECTORY_OBJECTS_PER_TENANT: usize = 50_000;
/// Graph: `displayName` of applications and service principals.
pub const GRAPH_DISPLAY_NAME: usize = 256;
/// Graph: a password credential's `displayName`.
pub const CREDENTIAL_DISPLAY_NAME: usize = 256;
pub const IDENTIFIER_URIS: usize = 50;
pub const IDENTIFIER_URI_LENGTH: usize = 255;
/// Secrets on one application.
pub const PASSWORD_CREDENTIALS_PER_APP: usize = 100;
/// Entra ID: a client secret lives at most two years.
pub const SECRET_LIFETIME_DAYS: i64 = 730;

/// ARM: resource groups and virtual networks per subscription.
pub const RESOURCE_GROUPS_PER_SUBSCRIPTION: usize = 980;
pub const VNETS_PER_SUBSCRIPTION: usize = 1000;
pub const SUBNETS_PER_VNET: usize = 3000;
pub const PEERINGS_PER_VNET: usize = 500;
pub const PREFIXES_PER_VNET: usize = 1000;
/// The emulator's own bound (Azure's per-VNet limits multiplied by 1,000 VNets would let one
/// subscription hold millions of objects, and every write copies the state): subnets, address
/// prefixes and peerings of all VNets of a subscription together.
pub const NETWORK_OBJECTS_PER_SUBSCRIPTION: usize = 20_000;
pub const NETWORK_OBJECTS: &str = "Subnets, address prefixes and peerings in this subscription";
/// Network interfaces per subscription. Azure allows 65,536 per region and subscription; the
/// emulator keeps a subscription's share of the state (copied on every write) at 5,000, far more
/// than any test or demo makes.
pub const NICS_PER_SUBSCRIPTION: usize = 5_000;
/// ARM tags: 50 per resource, names up to 512 characters, values up to 256.
pub const TAGS: usize = 50;
pub const TAG_NAME: usize = 512;
pub const TAG_VALUE: usize = 256;
pub const LOCATION: usize = 64;
/// ARM pages lists; 100 items a page unless the knob says otherwise.
pub const DEFAULT_LIST_PAGE_SIZE: usize = 100;
pub const MAX_LIST_PAGE_SIZE: usize = 1000;
/// Properties the emulator does not model but keeps as sent, per VNet with its subnets
/// (serialized JSON bytes).
pub const UNMODELED_PROPERTIES_BYTES: usize = 32 * 1024;
/// RBAC: assignments per subscription, custom roles per tenant, and a role's text fields.
pub const ROLE_ASSIGNMENTS_PER_SUBSCRIPTION: usize = 4000;
pub const CUSTOM_ROLES_PER_TENANT: usize = 5000;
pub const ROLE_NAME: usize = 512;
pub const DESCRIPTION: usize = 2048;
pub const ACTIONS_PER_ROLE: usize = 2000;
pub const ACTION_LENGTH: usize = 512;
pub const ASSIGNABLE_SCOPES: usize = 2000;

/// The role-assignment propagation delay the emulator accepts (a day is far beyond Azure's worst).
pub const MAX_PROPAGATION_DELAY_SECONDS: u64 = 86_400;
/// How far the admin clock may be moved in one call, and ahead of the wall clock at all.
pub const MAX_CLOCK_ADVANCE_SECONDS: f64 = 10.0 * 365.0 * 86_400.0;
pub const MAX_CLOCK_OFFSET_MS: i64 = 100 * 365 * 86_400 * 1000;

/// An ARM string property with a length limit.
pub fn arm_len(property: &str, value: &str, max: usize) -> Result<()> {
    let length = value.chars().count();
    if length > max {
        return Err(EmulatorError::PropertyTooLong { property: property.to_string(), length, max });
    }
    Ok(())
}

/// A Graph string property with a length limit.
pub fn graph_len(property: &str, resource: &str, value: &str, max: usize) -> Result<()> {
    let length = value.chars().count();
    if length > max {
        return Err(EmulatorError::GraphInvalidValueBecause {
            property: property.to_string(),
            resource: resource.to_string(),
            reason: format!("it is {length} characters long; at most {max} are allowed."),
        });
    }
    Ok(())
}

/// Fails when `used` plus the `adding` a write brings would pass `limit`.
pub fn quota(what: &str, used: usize, adding: usize, limit: usize) -> Result<()> {
    if used + adding > limit {
        return Err(EmulatorError::QuotaExceeded { what: what.to_string(), limit });
    }
    Ok(())
}

/// ARM tags within Azure's limits.
pub fn tags(tags: &std::collections::BTreeMap<String, String>) -> Result<()> {
    if tags.len() > TAGS {
        return Err(EmulatorError::InvalidParameter(format!(
            "A resource can have at most {TAGS} tags; {} were given.",
            tags.len()
        )));
    }
    for (k, v) in tags {
        arm_len("tags (name)", k, TAG_NAME)?;
        arm_len(&format!("tags.{}", crate::model::names::printable(k)), v, TAG_VALUE)?;
    }
    Ok(())
}

/// `t + seconds`, or the far future when that does not fit (never a panic).
pub fn add_seconds(t: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
    Duration::try_seconds(seconds).and_then(|d| t.checked_add_signed(d)).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Dates the services accept: .NET's `DateTime` range, years 1 to 9999.
pub fn in_dotnet_range(t: DateTime<Utc>) -> bool {
    use chrono::Datelike;
    (1..=9999).contains(&t.year())
}

/// The serialized size of unmodeled properties (0 when there are none).
pub fn unmodeled_size(props: &serde_json::Map<String, serde_json::Value>) -> usize {
    if props.is_empty() {
        return 0;
    }
    serde_json::to_vec(props).map(|b| b.len()).unwrap_or(usize::MAX)
}

/// A resource's unmodeled properties, its children's included (a VNet's subnets, a NIC's IP
/// configurations), stay within `UNMODELED_PROPERTIES_BYTES`, so what a tenant can store grows with
/// its resources, not with what it sends. `what`: "virtual network, its subnets included".
pub fn unmodeled_total(what: &str, bytes: usize) -> Result<()> {
    if bytes > UNMODELED_PROPERTIES_BYTES {
        return Err(EmulatorError::InvalidParameter(format!(
            "The properties take {bytes} bytes; at most {UNMODELED_PROPERTIES_BYTES} are kept per {what}."
        )));
    }
    Ok(())
}

//! A request's `properties` as the network handlers read them: the modeled ones taken out typed,
//! the read-only ones a client echoes from a GET dropped, and the rest kept as sent.

use crate::error::EmulatorError;
use crate::model::names;
use crate::network::resources::Unmodeled;
use crate::wire::envelope::{ApiError, ApiResult};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// A tracked resource's body (a VNet, a NIC): its location, tags and properties.
#[derive(Deserialize)]
pub struct ResourceBody {
    pub location: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub properties: Unmodeled,
}

/// A child resource inside its parent's body (a VNet's subnet, a NIC's IP configuration).
#[derive(Deserialize)]
pub struct ChildBody {
    pub name: Option<String>,
    #[serde(default)]
    pub properties: Unmodeled,
}

/// Read-only properties of every network resource; never stored.
const READ_ONLY: &[&str] = &["provisioningState", "resourceGuid", "etag", "id", "type"];

/// Takes the modeled property `key` out of `props` (found at `path`, e.g. `properties`), typed.
pub fn take<T: serde::de::DeserializeOwned>(props: &mut Unmodeled, path: &str, key: &str) -> ApiResult<Option<T>> {
    match props.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v).map(Some).map_err(|e| {
            ApiError::arm(EmulatorError::InvalidRequestContent(format!(
                "{path}.{key}: {}",
                names::printable(&e.to_string())
            )))
        }),
    }
}

/// What is left of `props` to keep: without `dropped` (modeled elsewhere, or read-only for this
/// resource type) and without the read-only properties of every resource.
pub fn unmodeled(mut props: Unmodeled, dropped: &[&str]) -> Unmodeled {
    props.retain(|k, _| !dropped.contains(&k.as_str()) && !READ_ONLY.contains(&k.as_str()));
    props
}

//! Refuses an api-version the route's resource type does not publish, in the words ARM uses:
//! `InvalidApiVersionParameter` from ARM itself, `NoRegisteredProviderFound` from a provider.

use super::route::Route;
use crate::error::EmulatorError;
use crate::model::{regions, State};
use crate::wire::envelope::{ApiError, ApiResult};

pub fn check(route: &Route, given: Option<&String>, body: &[u8], state: &State) -> ApiResult<()> {
    let given = given.filter(|v| !v.is_empty()).ok_or_else(|| ApiError::arm(EmulatorError::MissingApiVersion))?;
    let t = route.resource_type();
    if t.accepts(given) {
        return Ok(());
    }
    let api_version = crate::model::names::printable(given);
    let error = if t.builtin {
        // ARM lists its own versions newest first, without spaces.
        let supported = t.versions.iter().rev().copied().collect::<Vec<_>>().join(",");
        EmulatorError::InvalidApiVersionParameter { api_version, supported }
    } else {
        EmulatorError::NoRegisteredProviderFound {
            location: request_location(route, body, state),
            api_version,
            resource_type: t.name.to_string(),
            supported: t.versions.join(", "),
            locations: regions::display_names(),
        }
    };
    Err(ApiError::arm(error))
}

/// The location ARM would route by: the body's, else the VNet's or NIC's or its group's, else `global`
/// (role definitions and assignments are not regional).
fn request_location(route: &Route, body: &[u8], state: &State) -> String {
    let from_body = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("location").and_then(|l| l.as_str()).map(crate::model::names::printable));
    if let Some(l) = from_body.filter(|l| !l.is_empty()) {
        return l;
    }
    let vnet = match route {
        Route::Vnet(v)
        | Route::Subnets(v)
        | Route::Subnet(v, _)
        | Route::Peerings(v)
        | Route::Peering(v, _)
        | Route::CheckIpAddressAvailability(v) => Some(v),
        _ => None,
    };
    let group_location = |sub, rg: &str| state.resource_group(sub, rg).map(|g| g.location.clone()).ok();
    let located = match route {
        Route::Nic(n) => state
            .network_interface(n)
            .map(|x| x.location.clone())
            .ok()
            .or_else(|| group_location(n.subscription, &n.resource_group)),
        _ => vnet.and_then(|v| {
            state
                .virtual_network(v)
                .map(|n| n.location.clone())
                .ok()
                .or_else(|| group_location(v.subscription, &v.resource_group))
        }),
    };
    located.unwrap_or_else(|| "global".into())
}

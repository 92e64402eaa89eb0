//! What a subscription offers: its regions (`az account list-locations`) and its resource
//! providers with their resource types and api-versions (`az provider show`), the latter read
//! from the same table the emulator checks api-versions against.

use crate::error::EmulatorError;
use crate::model::regions::{self, Region};
use crate::wire::arm::api_versions::{self, ResourceType};
use crate::wire::arm::{list, ok, ArmCtx};
use crate::wire::envelope::{ApiError, ApiResult, WithFlavor};
use axum::response::Response;
use serde_json::{json, Value};
use uuid::Uuid;

/// The namespaces registered in every subscription.
const NAMESPACES: &[&str] = &["Microsoft.Authorization", "Microsoft.Network", "Microsoft.Resources"];

fn location(sub: Uuid, r: &Region) -> Value {
    json!({
        "id": format!("/subscriptions/{sub}/locations/{}", r.name),
        "name": r.name,
        "type": "Region",
        "displayName": r.display_name,
        "regionalDisplayName": format!("({}) {}", r.geography_group, r.display_name),
        "metadata": {
            "regionType": "Physical",
            "regionCategory": "Recommended",
            "geography": r.geography,
            "geographyGroup": r.geography_group,
            "longitude": r.longitude,
            "latitude": r.latitude,
            "physicalLocation": r.physical_location,
            "pairedRegion": [{"name": r.paired_region, "id": format!("/subscriptions/{sub}/locations/{}", r.paired_region)}],
        },
    })
}

pub fn list_locations(ctx: &ArmCtx, sub: Uuid) -> ApiResult<Response> {
    ctx.state.read_subscription(&ctx.caller, sub).arm()?;
    ok(json!({ "value": regions::REGIONS.iter().map(|r| location(sub, r)).collect::<Vec<_>>() }))
}

fn resource_type(t: &ResourceType) -> Value {
    let located = t.namespace == "Microsoft.Network" && matches!(t.name, "virtualNetworks" | "networkInterfaces");
    json!({
        "resourceType": t.name,
        "locations": if located { regions::REGIONS.iter().map(|r| r.display_name).collect::<Vec<_>>() } else { vec![] },
        "apiVersions": t.versions.iter().rev().collect::<Vec<_>>(),
        "defaultApiVersion": t.newest_stable(),
        "capabilities": if located { "CrossResourceGroupResourceMove, CrossSubscriptionResourceMove, SupportsTags, SupportsLocation" } else { "None" },
    })
}

fn provider(sub: Uuid, namespace: &str) -> Value {
    json!({
        "id": format!("/subscriptions/{sub}/providers/{namespace}"),
        "namespace": namespace,
        "registrationState": "Registered",
        "registrationPolicy": if namespace == "Microsoft.Network" { "RegistrationRequired" } else { "RegistrationFree" },
        "resourceTypes": api_versions::of_namespace(namespace).into_iter().map(resource_type).collect::<Vec<_>>(),
    })
}

pub fn list_providers(ctx: &ArmCtx, sub: Uuid) -> ApiResult<Response> {
    ctx.state.read_subscription(&ctx.caller, sub).arm()?;
    list(ctx, NAMESPACES.iter(), |ns| provider(sub, ns))
}

pub fn get_provider(ctx: &ArmCtx, sub: Uuid, namespace: &str) -> ApiResult<Response> {
    ctx.state.read_subscription(&ctx.caller, sub).arm()?;
    let ns = NAMESPACES.iter().find(|n| n.eq_ignore_ascii_case(namespace)).ok_or_else(|| {
        ApiError::arm(EmulatorError::InvalidResourceNamespace(crate::model::names::printable(namespace)))
    })?;
    ok(provider(sub, ns))
}

//! ARM's JSON for subscriptions, tenants, resource groups, VNets, subnets, peerings and RBAC.

use crate::model::identity::Tenant;
use crate::model::network::PeeringView;
use crate::model::rbac::{RoleAssignment, RoleDefinition, RoleType};
use crate::model::resources::{ResourceGroup, Subnet, Subscription, VirtualNetwork};
use crate::model::State;
use ipnet::IpNet;
use serde_json::{json, Value};

fn etag(e: &uuid::Uuid) -> String {
    format!("W/\"{e}\"")
}

fn prefixes(p: &[IpNet]) -> Value {
    json!({ "addressPrefixes": p.iter().map(|n| n.to_string()).collect::<Vec<_>>() })
}

/// ARM's timestamps carry seven fractional digits (.NET ticks).
fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    format!("{}{:07}Z", t.format("%Y-%m-%dT%H:%M:%S."), t.timestamp_subsec_nanos() / 100)
}

pub fn subscription(s: &Subscription) -> Value {
    json!({
        "id": format!("/subscriptions/{}", s.id),
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
        "subscriptionId": s.id,
        "tenantId": s.tenant_id,
        "displayName": s.display_name,
        "state": "Enabled",
        "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01", "quotaId": "PayAsYouGo_2014-09-01", "spendingLimit": "Off"},
    })
}

pub fn tenant(t: &Tenant) -> Value {
    json!({
        "id": format!("/tenants/{}", t.id),
        "tenantId": t.id,
        "countryCode": t.country_code,
        "displayName": t.display_name,
        "domains": [t.default_domain],
        "tenantCategory": "Home",
        "defaultDomain": t.default_domain,
        "tenantType": "AAD",
    })
}

pub fn resource_group(rg: &ResourceGroup) -> Value {
    json!({
        "id": rg.id(),
        "name": rg.name,
        "type": "Microsoft.Resources/resourceGroups",
        "location": rg.location,
        "tags": rg.tags,
        "properties": {"provisioningState": "Succeeded"},
    })
}

pub fn subnet(net: &VirtualNetwork, s: &Subnet) -> Value {
    json!({
        "name": s.name,
        "id": format!("{}/subnets/{}", net.vnet.id(), s.name),
        "etag": etag(&s.etag),
        "type": "Microsoft.Network/virtualNetworks/subnets",
        "properties": {
            "provisioningState": "Succeeded",
            "addressPrefix": s.address_prefix.to_string(),
            "delegations": [],
            "privateEndpointNetworkPolicies": "Disabled",
            "privateLinkServiceNetworkPolicies": "Enabled",
        },
    })
}

pub fn peering(net: &VirtualNetwork, v: &PeeringView, provisioning_state: &str) -> Value {
    let p = &v.peering;
    json!({
        "name": p.name,
        "id": format!("{}/virtualNetworkPeerings/{}", net.vnet.id(), p.name),
        "etag": etag(&p.etag),
        "type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
        "properties": {
            "provisioningState": provisioning_state,
            "resourceGuid": p.resource_guid,
            "peeringState": p.state.as_str(),
            "peeringSyncLevel": v.sync_level,
            "remoteVirtualNetwork": {"id": p.remote.id()},
            "allowVirtualNetworkAccess": p.flags.allow_virtual_network_access,
            "allowForwardedTraffic": p.flags.allow_forwarded_traffic,
            "allowGatewayTransit": p.flags.allow_gateway_transit,
            "useRemoteGateways": p.flags.use_remote_gateways,
            "doNotVerifyRemoteGateways": p.flags.do_not_verify_remote_gateways,
            "peerCompleteVnets": p.flags.peer_complete_vnets,
            "remoteAddressSpace": prefixes(&p.remote_address_space),
            "remoteVirtualNetworkAddressSpace": prefixes(&p.remote_address_space),
            "localAddressSpace": prefixes(&v.local_address_space),
            "localVirtualNetworkAddressSpace": prefixes(&v.local_address_space),
            "remoteBgpCommunities": {"virtualNetworkCommunity": "12076:20003", "regionalCommunity": "12076:50004"},
            "routeServiceVips": {},
        },
    })
}

pub fn virtual_network(state: &State, net: &VirtualNetwork) -> Value {
    json!({
        "name": net.vnet.name,
        "id": net.vnet.id(),
        "etag": etag(&net.etag),
        "type": "Microsoft.Network/virtualNetworks",
        "location": net.location,
        "tags": net.tags,
        "properties": {
            "provisioningState": "Succeeded",
            "resourceGuid": net.resource_guid,
            "addressSpace": prefixes(&net.address_prefixes),
            "subnets": net.subnets.iter().map(|s| subnet(net, s)).collect::<Vec<_>>(),
            "virtualNetworkPeerings": net.peerings.iter().map(|p| peering(net, &state.peering_view(net, p), "Succeeded")).collect::<Vec<_>>(),
            "enableDdosProtection": false,
            "privateEndpointVNetPolicies": "Disabled",
        },
    })
}

/// Role definition ids read back subscription-scoped when asked at or under a subscription.
pub fn role_definition_id(subscription: Option<uuid::Uuid>, id: &uuid::Uuid) -> String {
    match subscription {
        Some(s) => format!("/subscriptions/{s}/providers/Microsoft.Authorization/roleDefinitions/{id}"),
        None => format!("/providers/Microsoft.Authorization/roleDefinitions/{id}"),
    }
}

pub fn role_definition(r: &RoleDefinition, subscription: Option<uuid::Uuid>) -> Value {
    json!({
        "id": role_definition_id(subscription, &r.id),
        "name": r.id,
        "type": "Microsoft.Authorization/roleDefinitions",
        "properties": {
            "roleName": r.role_name,
            "type": match r.role_type { RoleType::BuiltInRole => "BuiltInRole", RoleType::CustomRole => "CustomRole" },
            "description": r.description,
            "assignableScopes": r.assignable_scopes,
            "permissions": r.permissions,
            "createdOn": time(r.created),
            "updatedOn": time(r.updated),
            "createdBy": r.created_by,
            "updatedBy": r.updated_by,
        },
    })
}

pub fn role_assignment(a: &RoleAssignment) -> Value {
    let sub = crate::model::scope::Scope::parse(&a.scope).ok().and_then(|s| s.subscription());
    json!({
        "id": format!("{}/providers/Microsoft.Authorization/roleAssignments/{}", a.scope.trim_end_matches('/'), a.id),
        "name": a.id,
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {
            "roleDefinitionId": role_definition_id(sub, &a.role_definition_id),
            "principalId": a.principal_id,
            "principalType": a.principal_type,
            "scope": a.scope,
            "condition": null,
            "conditionVersion": null,
            "createdOn": time(a.created),
            "updatedOn": time(a.created),
            "createdBy": a.created_by,
            "updatedBy": a.created_by,
            "delegatedManagedIdentityResourceId": null,
            "description": a.description,
        },
    })
}

//! ARM's JSON for subscriptions, tenants, resource groups, VNets, subnets, peerings and network
//! interfaces.

use crate::authorization::scope::NIC_TYPE;
use crate::identity::objects::Tenant;
use crate::model::State;
use crate::network::resources::{
    IpConfiguration, NetworkInterface, ResourceGroup, Subnet, Subscription, Unmodeled, VirtualNetwork,
};
use crate::network::rules::PeeringView;
use ipnet::IpNet;
use serde_json::{json, Value};

pub fn etag(e: &uuid::Uuid) -> String {
    format!("W/\"{e}\"")
}

fn prefixes(p: &[IpNet]) -> Value {
    json!({ "addressPrefixes": p.iter().map(|n| n.to_string()).collect::<Vec<_>>() })
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

/// `properties`: Azure's defaults, then what the client sent that is not modeled, then the modeled
/// values, which always win.
fn properties(defaults: Value, unmodeled: &Unmodeled, modeled: Value) -> Value {
    let mut out = match defaults {
        Value::Object(m) => m,
        _ => Unmodeled::new(),
    };
    out.extend(unmodeled.iter().map(|(k, v)| (k.clone(), v.clone())));
    if let Value::Object(m) = modeled {
        out.extend(m);
    }
    Value::Object(out)
}

pub fn subnet(net: &VirtualNetwork, s: &Subnet) -> Value {
    json!({
        "name": s.name,
        "id": format!("{}/subnets/{}", net.vnet.id(), s.name),
        "etag": etag(&s.etag),
        "type": "Microsoft.Network/virtualNetworks/subnets",
        "properties": properties(
            json!({
                "delegations": [],
                "privateEndpointNetworkPolicies": "Disabled",
                "privateLinkServiceNetworkPolicies": "Enabled",
            }),
            &s.unmodeled,
            json!({"provisioningState": "Succeeded", "addressPrefix": s.address_prefix.to_string()}),
        ),
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
        "properties": properties(
            json!({"enableDdosProtection": false, "privateEndpointVNetPolicies": "Disabled"}),
            &net.unmodeled,
            json!({
                "provisioningState": "Succeeded",
                "resourceGuid": net.resource_guid,
                "addressSpace": prefixes(&net.address_prefixes),
                "subnets": net.subnets.iter().map(|s| subnet(net, s)).collect::<Vec<_>>(),
                "virtualNetworkPeerings": net.peerings.iter().map(|p| peering(net, &state.peering_view(net, p), "Succeeded")).collect::<Vec<_>>(),
            }),
        ),
    })
}

fn ip_configuration(nic: &NetworkInterface, ipc: &IpConfiguration) -> Value {
    json!({
        "name": ipc.name,
        "id": nic.ip_configuration_id(ipc),
        "etag": etag(&nic.etag),
        "type": format!("{NIC_TYPE}/ipConfigurations"),
        "properties": properties(
            json!({}),
            &ipc.unmodeled,
            json!({
                "provisioningState": "Succeeded",
                "privateIPAddress": ipc.private_ip_address.to_string(),
                "privateIPAllocationMethod": ipc.allocation.as_str(),
                "privateIPAddressVersion": "IPv4",
                "subnet": {"id": ipc.subnet.id()},
                "primary": ipc.primary,
            }),
        ),
    })
}

/// A NIC as the spec examples show one not attached to a VM: no `macAddress`, `primary` or
/// `virtualMachine` (Azure fills those in when a VM starts with the NIC).
pub fn network_interface(nic: &NetworkInterface) -> Value {
    json!({
        "name": nic.nic.name,
        "id": nic.nic.id(),
        "etag": etag(&nic.etag),
        "type": NIC_TYPE,
        "location": nic.location,
        "tags": nic.tags,
        "properties": properties(
            json!({
                "dnsSettings": {"dnsServers": [], "appliedDnsServers": []},
                "enableAcceleratedNetworking": false,
                "enableIPForwarding": false,
                "disableTcpStateTracking": false,
                "nicType": "Standard",
                "auxiliaryMode": "None",
                "auxiliarySku": "None",
            }),
            &nic.unmodeled,
            json!({
                "provisioningState": "Succeeded",
                "resourceGuid": nic.resource_guid,
                "ipConfigurations": nic.ip_configurations.iter().map(|i| ip_configuration(nic, i)).collect::<Vec<_>>(),
                "vnetEncryptionSupported": false,
                "hostedWorkloads": [],
                "tapConfigurations": [],
            }),
        ),
    })
}

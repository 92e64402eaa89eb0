//! Aiven's JSON for VPCs and peering connections.

use crate::domain::{ConnectionEvent, PeeringConnection, Vpc};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

pub fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `VpcOut`, as listed.
pub fn vpc_summary(v: &Vpc) -> Value {
    json!({
        "cloud_name": v.cloud_name,
        "create_time": time(v.created),
        "network_cidr": v.network_cidr.to_string(),
        "project_vpc_id": v.id,
        "state": v.state.as_str(),
        "update_time": time(v.updated),
    })
}

/// `VpcGetOut`, with its connections.
pub fn vpc(v: &Vpc, connections: &[PeeringConnection]) -> Value {
    let mut out = vpc_summary(v);
    out["peering_connections"] = Value::Array(connections.iter().map(connection).collect());
    out["pending_build_only_peering_connections"] = Value::Null;
    out
}

/// `PeeringConnectionOut`. `state_info` is always present (null or an object with `message`), and
/// `peer_region` is always null on Azure: `avn` needs both keys.
pub fn connection(c: &PeeringConnection) -> Value {
    json!({
        "create_time": time(c.created),
        "peer_azure_app_id": c.peer_azure_app_id,
        "peer_azure_tenant_id": c.peer_azure_tenant_id,
        "peer_cloud_account": c.peer_cloud_account,
        "peer_region": null,
        "peer_resource_group": c.peer_resource_group,
        "peer_vpc": c.peer_vpc,
        "peering_connection_id": c.id,
        "state": c.state.as_str(),
        "state_info": c.state_info,
        "update_time": time(c.updated),
        "user_peer_network_cidrs": c.user_peer_network_cidrs.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
        "vpc_peering_connection_type": "azure-vnet-peering",
    })
}

pub fn event(e: &ConnectionEvent) -> Value {
    json!({"from_state": e.from.map(|f| f.as_str()), "to_state": e.to.as_str(), "reason": e.reason, "time": time(e.at)})
}

//! Aiven's JSON for VPCs and peering connections.

use crate::domain::{ConnectionEvent, PeeringConnection, StateInfo, Vpc};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

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

/// `VpcGetOut`, with its connections. Typed (fields in alphabetical order, as Aiven's sorted keys)
/// so a VPC with a thousand connections serialises without building a `Value` tree first.
#[derive(Serialize)]
pub struct VpcGetOut<'a> {
    cloud_name: &'a str,
    create_time: String,
    network_cidr: String,
    peering_connections: Vec<ConnectionOut<'a>>,
    pending_build_only_peering_connections: Option<()>,
    project_vpc_id: Uuid,
    state: &'static str,
    update_time: String,
}

pub fn vpc<'a>(v: &'a Vpc, connections: &'a [PeeringConnection]) -> VpcGetOut<'a> {
    VpcGetOut {
        cloud_name: &v.cloud_name,
        create_time: time(v.created),
        network_cidr: v.network_cidr.to_string(),
        peering_connections: connections.iter().map(connection).collect(),
        pending_build_only_peering_connections: None,
        project_vpc_id: v.id,
        state: v.state.as_str(),
        update_time: time(v.updated),
    }
}

/// `PeeringConnectionOut`. `state_info` is always present (null or an object with `message`), and
/// `peer_region` is always null on Azure: `avn` needs both keys.
#[derive(Serialize)]
pub struct ConnectionOut<'a> {
    create_time: String,
    peer_azure_app_id: &'a str,
    peer_azure_tenant_id: &'a str,
    peer_cloud_account: &'a str,
    peer_region: Option<()>,
    peer_resource_group: &'a str,
    peer_vpc: &'a str,
    peering_connection_id: Uuid,
    state: &'static str,
    state_info: Option<&'a StateInfo>,
    update_time: String,
    user_peer_network_cidrs: Vec<String>,
    vpc_peering_connection_type: &'static str,
}

pub fn connection(c: &PeeringConnection) -> ConnectionOut<'_> {
    ConnectionOut {
        create_time: time(c.created),
        peer_azure_app_id: &c.peer_azure_app_id,
        peer_azure_tenant_id: &c.peer_azure_tenant_id,
        peer_cloud_account: &c.peer_cloud_account,
        peer_region: None,
        peer_resource_group: &c.peer_resource_group,
        peer_vpc: &c.peer_vpc,
        peering_connection_id: c.id,
        state: c.state.as_str(),
        state_info: c.state_info.as_ref(),
        update_time: time(c.updated),
        user_peer_network_cidrs: c.user_peer_network_cidrs.iter().map(|n| n.to_string()).collect(),
        vpc_peering_connection_type: "azure-vnet-peering",
    }
}

pub fn event(e: &ConnectionEvent) -> Value {
    json!({"from_state": e.from.map(|f| f.as_str()), "to_state": e.to.as_str(), "reason": e.reason, "time": time(e.at)})
}

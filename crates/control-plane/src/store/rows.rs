//! Mapping rows to domain records.

use super::at;
use crate::domain::{ConnectionEvent, PeeringConnection, Service, StateInfo, Vpc};
use crate::error::{ControlPlaneError, Result};
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

fn corrupt(what: &str, detail: impl std::fmt::Display) -> ControlPlaneError {
    ControlPlaneError::Store(format!("stored {what} is unreadable: {detail}"))
}

fn uuid(row: &AnyRow, col: &str) -> Result<Uuid> {
    let s: String = row.try_get(col)?;
    Uuid::parse_str(&s).map_err(|e| corrupt(col, e))
}

pub const VPC_COLUMNS: &str =
    "id, project, cloud_name, network_cidr, state, provider_vnet_id, created_at, updated_at, refresh_requested_at, connections_version, observed_at";

pub fn vpc(row: &AnyRow) -> Result<Vpc> {
    Ok(Vpc {
        id: uuid(row, "id")?,
        project: row.try_get("project")?,
        cloud_name: row.try_get("cloud_name")?,
        network_cidr: row.try_get::<String, _>("network_cidr")?.parse().map_err(|e| corrupt("network_cidr", e))?,
        state: row.try_get::<String, _>("state")?.parse().map_err(|e| corrupt("vpc state", e))?,
        provider_vnet_id: row.try_get("provider_vnet_id")?,
        created: at(row.try_get("created_at")?),
        updated: at(row.try_get("updated_at")?),
        refresh_requested: Some(row.try_get::<i64, _>("refresh_requested_at")?).filter(|ms| *ms > 0).map(at),
        connections_version: row.try_get("connections_version")?,
        observed: Some(row.try_get::<i64, _>("observed_at")?).filter(|ms| *ms > 0).map(at),
    })
}

pub const SERVICE_COLUMNS: &str = "id, project, name, service_type, plan, cloud_name, vpc_id, state, \
    admin_password, host, port, placement_error, disk_space_mb, termination_protection, tags, deleting, created_at, \
    updated_at";

pub fn service(row: &AnyRow) -> Result<Service> {
    let port: Option<i64> = row.try_get("port")?;
    Ok(Service {
        id: uuid(row, "id")?,
        project: row.try_get("project")?,
        name: row.try_get("name")?,
        service_type: row.try_get("service_type")?,
        plan: row.try_get("plan")?,
        cloud_name: row.try_get("cloud_name")?,
        vpc_id: uuid(row, "vpc_id")?,
        state: row.try_get::<String, _>("state")?.parse().map_err(|e| corrupt("service state", e))?,
        admin_password: row.try_get("admin_password")?,
        host: row.try_get("host")?,
        port: port.map(|p| u16::try_from(p).map_err(|e| corrupt("service port", e))).transpose()?,
        placement_error: row.try_get("placement_error")?,
        disk_space_mb: row.try_get("disk_space_mb")?,
        termination_protection: row.try_get::<i64, _>("termination_protection")? != 0,
        tags: serde_json::from_str(&row.try_get::<String, _>("tags")?).map_err(|e| corrupt("service tags", e))?,
        deleting: row.try_get::<i64, _>("deleting")? != 0,
        created: at(row.try_get("created_at")?),
        updated: at(row.try_get("updated_at")?),
    })
}

pub const CONNECTION_COLUMNS: &str = "id, vpc_id, project, peer_cloud_account, peer_resource_group, peer_vpc, \
    peer_azure_app_id, peer_azure_tenant_id, user_peer_network_cidrs, state, state_info, created_at, updated_at";

/// A connection as stored: from a row, or from SQLite's JSON aggregate of rows.
#[derive(serde::Deserialize)]
pub struct ConnectionRecord {
    id: String,
    vpc_id: String,
    project: String,
    peer_cloud_account: String,
    peer_resource_group: String,
    peer_vpc: String,
    peer_azure_app_id: String,
    peer_azure_tenant_id: String,
    user_peer_network_cidrs: String,
    state: String,
    state_info: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl ConnectionRecord {
    fn from_row(row: &AnyRow) -> Result<Self> {
        Ok(ConnectionRecord {
            id: row.try_get("id")?,
            vpc_id: row.try_get("vpc_id")?,
            project: row.try_get("project")?,
            peer_cloud_account: row.try_get("peer_cloud_account")?,
            peer_resource_group: row.try_get("peer_resource_group")?,
            peer_vpc: row.try_get("peer_vpc")?,
            peer_azure_app_id: row.try_get("peer_azure_app_id")?,
            peer_azure_tenant_id: row.try_get("peer_azure_tenant_id")?,
            user_peer_network_cidrs: row.try_get("user_peer_network_cidrs")?,
            state: row.try_get("state")?,
            state_info: row.try_get("state_info")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }

    pub fn into_domain(self) -> Result<PeeringConnection> {
        let parse_id = |s: &str, what| Uuid::parse_str(s).map_err(|e| corrupt(what, e));
        Ok(PeeringConnection {
            id: parse_id(&self.id, "id")?,
            vpc_id: parse_id(&self.vpc_id, "vpc_id")?,
            project: self.project,
            peer_cloud_account: self.peer_cloud_account,
            peer_resource_group: self.peer_resource_group,
            peer_vpc: self.peer_vpc,
            peer_azure_app_id: self.peer_azure_app_id,
            peer_azure_tenant_id: self.peer_azure_tenant_id,
            user_peer_network_cidrs: serde_json::from_str(&self.user_peer_network_cidrs)
                .map_err(|e| corrupt("cidrs", e))?,
            state: self.state.parse().map_err(|e| corrupt("state", e))?,
            state_info: self
                .state_info
                .map(|i| serde_json::from_str::<StateInfo>(&i))
                .transpose()
                .map_err(|e| corrupt("state_info", e))?,
            created: at(self.created_at),
            updated: at(self.updated_at),
        })
    }
}

pub fn connection(row: &AnyRow) -> Result<PeeringConnection> {
    ConnectionRecord::from_row(row)?.into_domain()
}

pub fn event(row: &AnyRow) -> Result<ConnectionEvent> {
    let from: Option<String> = row.try_get("from_state")?;
    Ok(ConnectionEvent {
        from: from.map(|f| f.parse()).transpose().map_err(|e| corrupt("event", e))?,
        to: row.try_get::<String, _>("to_state")?.parse().map_err(|e| corrupt("event", e))?,
        reason: row.try_get("reason")?,
        at: at(row.try_get("at")?),
    })
}

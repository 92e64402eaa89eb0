//! A service as the API answers it (`ServiceOut`): connection details once its server answers.

use super::render::time;
use crate::domain::{clouds, service_types, Service, ServiceState};
use control_plane_api as wire;
use serde_json::json;
use std::collections::BTreeMap;

pub const ADMIN_USER: &str = "avnadmin";
pub const DATABASE: &str = "defaultdb";

/// `postgres://avnadmin:PW@HOST:PORT/defaultdb?sslmode=require`; the password is `AVNS_` and
/// letters and digits only, so it needs no escaping.
pub fn uri(s: &Service, host: &str, port: u16) -> String {
    format!("postgres://{ADMIN_USER}:{}@{host}:{port}/{DATABASE}?sslmode=require", s.admin_password)
}

pub fn service(s: &Service) -> wire::ServiceOut {
    let plan = service_types::plan(&s.service_type, &s.plan);
    let endpoint = s.host.as_deref().zip(s.port);
    let params: BTreeMap<String, String> = endpoint
        .map(|(host, port)| {
            [
                ("host", host.to_string()),
                ("port", port.to_string()),
                ("user", ADMIN_USER.to_string()),
                ("password", s.admin_password.clone()),
                ("dbname", DATABASE.to_string()),
                ("sslmode", "require".to_string()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
        })
        .unwrap_or_default();
    let service_uri = endpoint.map(|(host, port)| uri(s, host, port));
    let components = endpoint
        .map(|(host, port)| {
            vec![wire::ServiceComponent {
                component: "pg".into(),
                host: host.to_string(),
                port,
                route: "dynamic".into(),
                usage: "primary".into(),
                ssl: true,
            }]
        })
        .unwrap_or_default();
    let connection_info = json!({
        "pg": service_uri.iter().collect::<Vec<_>>(),
        "pg_params": if params.is_empty() { vec![] } else { vec![&params] },
        "pg_standby": [],
        "pg_syncing": [],
    });
    let running = s.state == ServiceState::Running;
    wire::ServiceOut {
        service_name: s.name.clone(),
        service_type: s.service_type.clone(),
        plan: s.plan.clone(),
        cloud_name: s.cloud_name.clone(),
        cloud_description: clouds::find(&s.cloud_name).map(|c| c.description.to_string()).unwrap_or_default(),
        project_vpc_id: Some(s.vpc_id.to_string()),
        state: s.state,
        create_time: time(s.created),
        update_time: time(s.updated),
        node_count: 1,
        node_cpu_count: plan.map_or(1, |p| p.cpus),
        node_memory_mb: plan.map_or(0.0, |p| f64::from(p.memory_mb)),
        disk_space_mb: s.disk_space_mb,
        termination_protection: s.termination_protection,
        service_uri,
        service_uri_params: params,
        components,
        connection_info,
        users: vec![wire::ServiceUser {
            username: ADMIN_USER.into(),
            password: s.admin_password.clone(),
            kind: "primary".into(),
        }],
        databases: vec![DATABASE.into()],
        user_config: Default::default(),
        service_integrations: vec![],
        group_list: vec!["default".into()],
        node_states: vec![wire::ServiceNodeState {
            name: format!("{}-1", s.name),
            state: if running { "running" } else { "setting_up_vm" }.into(),
            role: "master".into(),
            progress_updates: vec![],
        }],
        service_notifications: s
            .placement_error
            .iter()
            .map(|e| wire::ServiceNotification {
                level: "warning".into(),
                message: format!("The service's server is not running yet: {e}"),
                kind: "service_placement_failed".into(),
                metadata: json!({}),
            })
            .collect(),
        tags: s.tags.clone(),
        tech_emails: vec![],
        features: json!({}),
        metadata: json!({}),
    }
}

//! Services: the create body, a service as read and listed, and the service-type catalogue
//! (`avn service create`, `list`, `get`, `wait`, `terminate`, `types`, `plans`). Shapes follow
//! Aiven's (`shared/reference/aiven-api.md` §g).

use crate::states::ServiceState;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Tells an absent key (`None`) from an explicit `null` (`Some(None)`): `avn` omits
/// `project_vpc_id` without `--cloud` and sends `null` for `--no-project-vpc`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// A new service, as `avn service create` sends it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceCreateIn {
    /// 1–63 characters: lower-case letters, digits and `-`, starting with a letter and not ending
    /// with `-`; unique in the project.
    #[schema(example = "pg1")]
    pub service_name: String,
    /// Only `pg` is served.
    #[schema(example = "pg")]
    pub service_type: String,
    /// A plan of the type (`GET …/service-types/pg`).
    #[schema(example = "startup-4")]
    pub plan: String,
    /// The cloud; when null, the cloud of `project_vpc_id`'s VPC.
    #[serde(default)]
    #[schema(example = "azure-westeurope")]
    pub cloud: Option<String>,
    /// The project VPC to run in. Omitted: the project's VPC in `cloud`. Services run only inside
    /// a project VPC here, so null (the public internet) is refused.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub project_vpc_id: Option<Option<String>>,
    /// Must be empty: no option of the type's `user_config_schema` is modelled.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub user_config: serde_json::Map<String, serde_json::Value>,
    /// Must be empty.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub service_integrations: Vec<serde_json::Value>,
    /// A protected service cannot be terminated.
    #[serde(default)]
    pub termination_protection: bool,
    /// Must be empty: static IPs are not modelled.
    #[serde(default)]
    pub static_ips: Vec<String>,
    /// Disk size in MiB, within the plan's range; default the plan's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_space_mb: Option<i64>,
    /// Must be absent or null: customer-managed keys are not modelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cmk_id: Option<String>,
    /// Free-form tags, kept and returned.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// One network endpoint of a service.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceComponent {
    /// `pg`.
    pub component: String,
    /// The service's private IP address in its project VPC.
    pub host: String,
    pub port: u16,
    /// `dynamic`: inside a project VPC, reachable from the VPC and its peerings only.
    pub route: String,
    /// `primary`.
    pub usage: String,
    /// Whether the port speaks TLS.
    pub ssl: bool,
}

/// A service user.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceUser {
    pub username: String,
    pub password: String,
    /// `primary` for `avnadmin`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// One node of a service.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceNodeState {
    /// `<service>-1`.
    pub name: String,
    /// `setting_up_vm` while the service is `REBUILDING`, then `running`.
    pub state: String,
    /// `master`.
    pub role: String,
    /// Always empty.
    #[schema(value_type = Vec<Object>)]
    pub progress_updates: Vec<serde_json::Value>,
}

/// A notice about a service (`avn service get` prints its message).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceNotification {
    /// `warning`.
    pub level: String,
    pub message: String,
    /// `service_placement_failed`: the service's server could not be started (yet); it is retried.
    #[serde(rename = "type")]
    pub kind: String,
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
}

/// A service (`ServiceGetOut.service`). Connection details (`service_uri`, `service_uri_params`,
/// `components`, `connection_info`) are there once the service has a server; before, the URI is
/// null and the lists empty.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceOut {
    pub service_name: String,
    pub service_type: String,
    pub plan: String,
    pub cloud_name: String,
    pub cloud_description: String,
    /// The project VPC the service runs in.
    #[schema(required, format = Uuid)]
    pub project_vpc_id: Option<String>,
    pub state: ServiceState,
    /// ISO-8601, UTC, `Z`.
    #[schema(format = DateTime)]
    pub create_time: String,
    #[schema(format = DateTime)]
    pub update_time: String,
    pub node_count: u32,
    pub node_cpu_count: u32,
    pub node_memory_mb: f64,
    pub disk_space_mb: i64,
    pub termination_protection: bool,
    /// `postgres://avnadmin:<password>@<private ip>:5432/defaultdb?sslmode=require`.
    #[schema(required)]
    pub service_uri: Option<String>,
    /// `host`, `port` (a string, as Aiven's), `user`, `password`, `dbname`, `sslmode`.
    pub service_uri_params: BTreeMap<String, String>,
    pub components: Vec<ServiceComponent>,
    /// `pg` (URIs), `pg_params` (as `service_uri_params`), `pg_standby`, `pg_syncing`.
    #[schema(value_type = Object)]
    pub connection_info: serde_json::Value,
    pub users: Vec<ServiceUser>,
    pub databases: Vec<String>,
    #[schema(value_type = Object)]
    pub user_config: serde_json::Map<String, serde_json::Value>,
    #[schema(value_type = Vec<Object>)]
    pub service_integrations: Vec<serde_json::Value>,
    pub group_list: Vec<String>,
    pub node_states: Vec<ServiceNodeState>,
    pub service_notifications: Vec<ServiceNotification>,
    pub tags: BTreeMap<String, String>,
    pub tech_emails: Vec<String>,
    #[schema(value_type = Object)]
    pub features: serde_json::Value,
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
}

/// `GET`/`POST …/service[/{service_name}]`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceGetOut {
    pub service: ServiceOut,
}

/// `GET …/service`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceListOut {
    pub services: Vec<ServiceOut>,
}

/// The answer to a delete.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceDeleteOut {
    pub message: String,
}

/// What a plan costs and gives in one cloud.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServicePlanRegion {
    /// Hourly price, a decimal string as Aiven's (`"0.1370"`).
    pub price_usd: String,
    pub node_cpu_count: u32,
    pub node_memory_mb: f64,
    pub disk_space_mb: i64,
    pub disk_space_cap_mb: i64,
}

/// A plan of a service type.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServicePlan {
    pub service_type: String,
    pub service_plan: String,
    pub node_count: u32,
    /// By cloud name.
    pub regions: BTreeMap<String, ServicePlanRegion>,
}

/// A service type: `GET …/service-types/{type}` answers it bare (not wrapped).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceTypeOut {
    pub description: String,
    pub service_plans: Vec<ServicePlan>,
    /// A JSON schema of `user_config`; no option is modelled, so it has no properties.
    #[schema(value_type = Object)]
    pub user_config_schema: serde_json::Value,
}

/// `GET …/service_types`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceTypesOut {
    pub service_types: BTreeMap<String, ServiceTypeOut>,
}

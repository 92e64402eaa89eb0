//! Services: what a create may ask for, which VPC a service goes into, and termination.

use crate::domain::service::{self, NewService};
use crate::domain::{clouds, service_types, validate, Service};
use crate::error::{ControlPlaneError, Result};
use crate::store::Store;
use chrono::Utc;
use control_plane_api::ServiceCreateIn;

fn invalid(field: &str, message: impl Into<String>) -> ControlPlaneError {
    ControlPlaneError::Invalid { field: field.into(), message: message.into() }
}

/// Validates everything before anything is written. `has_backend`: whether this control plane can
/// run services at all (checked after the request itself, so a bad request says what is bad).
pub async fn create(store: &Store, has_backend: bool, project: &str, req: ServiceCreateIn) -> Result<Service> {
    let name = service::service_name(&req.service_name)?;
    if service_types::describe(&req.service_type).is_none() {
        return Err(invalid(
            "service_type",
            format!("Unknown service type '{}'; this stack serves: {}", req.service_type, service_types::PG),
        ));
    }
    let plan = service_types::plan(&req.service_type, &req.plan).ok_or_else(|| {
        invalid(
            "plan",
            format!(
                "Plan '{}' is not a plan of service type '{}'; choose one of: {}",
                req.plan,
                req.service_type,
                service_types::plan_names()
            ),
        )
    })?;
    if let Some(cloud) = &req.cloud {
        validate::cloud("cloud", cloud)?;
    }
    if let Some(key) = req.user_config.keys().next() {
        return Err(invalid(
            "user_config",
            format!("user_config option '{key}' is not supported: no option of service type 'pg' is modelled"),
        ));
    }
    if !req.service_integrations.is_empty() {
        return Err(invalid("service_integrations", "service integrations are not supported; send []"));
    }
    if !req.static_ips.is_empty() {
        return Err(invalid(
            "static_ips",
            "static IPs are not supported; a service in a project VPC has a private address",
        ));
    }
    if req.cmk_id.is_some() {
        return Err(invalid("cmk_id", "customer-managed keys are not supported; omit cmk_id"));
    }
    if req.tags.len() > 25 || req.tags.iter().any(|(k, v)| k.len() > 64 || v.len() > 256) {
        return Err(invalid("tags", "at most 25 tags, keys up to 64 and values up to 256 characters"));
    }
    let disk_space_mb = match req.disk_space_mb {
        None => plan.disk_mb,
        Some(d) if (plan.disk_mb..=plan.disk_cap_mb).contains(&d) => d,
        Some(d) => {
            return Err(invalid(
                "disk_space_mb",
                format!(
                    "disk_space_mb {d} is outside plan {}'s range {}-{} MiB",
                    plan.name, plan.disk_mb, plan.disk_cap_mb
                ),
            ))
        }
    };
    let vpc = match &req.project_vpc_id {
        Some(None) => return Err(invalid(
            "project_vpc_id",
            "services run only inside a project VPC here: pass --project-vpc-id of the project's VPC (avn vpc list)",
        )),
        Some(Some(raw)) => {
            let id = super::vpc_id(raw)?;
            store.get_vpc(project, id).await?
        }
        None => {
            let cloud = req.cloud.as_deref().unwrap_or(clouds::DEFAULT_CLOUD);
            let vpcs = store.list_vpcs(project).await?;
            vpcs.into_iter().find(|v| v.cloud_name == cloud).ok_or_else(|| {
                invalid(
                    "project_vpc_id",
                    format!(
                        "Project '{project}' has no VPC in cloud {cloud}, and services run only inside one here: \
                         create it first (avn vpc create --cloud {cloud} --network-cidr 10.0.0.0/24)"
                    ),
                )
            })?
        }
    };
    if let Some(cloud) = &req.cloud {
        if *cloud != vpc.cloud_name {
            return Err(invalid(
                "cloud",
                format!(
                    "Project VPC {} is in cloud {}, not {cloud}; a service runs in its VPC's cloud",
                    vpc.id, vpc.cloud_name
                ),
            ));
        }
    }
    if !has_backend {
        return Err(ControlPlaneError::NoComputeBackend);
    }
    let new = NewService {
        name,
        service_type: req.service_type,
        plan: plan.name.to_string(),
        cloud_name: vpc.cloud_name.clone(),
        vpc_id: vpc.id,
        admin_password: service::admin_password(),
        disk_space_mb,
        termination_protection: req.termination_protection,
        tags: req.tags,
    };
    store.create_service(project, &new, Utc::now()).await
}

pub async fn delete(store: &Store, project: &str, name: &str) -> Result<Service> {
    store.begin_service_delete(project, name, Utc::now()).await
}

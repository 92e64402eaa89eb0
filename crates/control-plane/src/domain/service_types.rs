//! The service-type catalogue: PostgreSQL only, with single-node plans (one server per service
//! is what the compute backend places), priced in every cloud of the catalogue.

use super::clouds::CLOUDS;
use control_plane_api::{ServicePlan, ServicePlanRegion, ServiceTypeOut};

pub const PG: &str = "pg";
pub const PG_DESCRIPTION: &str = "PostgreSQL - Object-Relational Database Management System";

/// One plan: its name, CPUs, memory (MiB), default and largest disk (MiB), hourly price (USD).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    pub name: &'static str,
    pub cpus: u32,
    pub memory_mb: u32,
    pub disk_mb: i64,
    pub disk_cap_mb: i64,
    pub price_usd: &'static str,
}

pub const PLANS: &[Plan] = &[
    Plan { name: "hobbyist", cpus: 1, memory_mb: 2048, disk_mb: 8192, disk_cap_mb: 32768, price_usd: "0.0260" },
    Plan { name: "startup-4", cpus: 1, memory_mb: 4096, disk_mb: 81920, disk_cap_mb: 327680, price_usd: "0.1370" },
    Plan { name: "startup-8", cpus: 2, memory_mb: 8192, disk_mb: 179200, disk_cap_mb: 716800, price_usd: "0.2740" },
];

pub fn plan(service_type: &str, name: &str) -> Option<&'static Plan> {
    (service_type == PG).then(|| PLANS.iter().find(|p| p.name == name)).flatten()
}

pub fn plan_names() -> String {
    PLANS.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
}

/// The catalogue entry of a type, as the API answers it.
pub fn describe(service_type: &str) -> Option<ServiceTypeOut> {
    if service_type != PG {
        return None;
    }
    let service_plans = PLANS
        .iter()
        .map(|p| ServicePlan {
            service_type: PG.into(),
            service_plan: p.name.into(),
            node_count: 1,
            regions: CLOUDS
                .iter()
                .map(|c| {
                    let region = ServicePlanRegion {
                        price_usd: p.price_usd.into(),
                        node_cpu_count: p.cpus,
                        node_memory_mb: f64::from(p.memory_mb),
                        disk_space_mb: p.disk_mb,
                        disk_space_cap_mb: p.disk_cap_mb,
                    };
                    (c.name.to_string(), region)
                })
                .collect(),
        })
        .collect();
    Some(ServiceTypeOut {
        description: PG_DESCRIPTION.into(),
        service_plans,
        user_config_schema: serde_json::json!({"type": "object", "properties": {}, "additionalProperties": false}),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_plan_is_priced_in_every_cloud_and_only_pg_is_served() {
        let pg = describe(PG).unwrap();
        assert_eq!(pg.service_plans.len(), PLANS.len());
        assert!(pg.service_plans.iter().all(|p| p.regions.len() == CLOUDS.len()));
        assert!(describe("kafka").is_none());
        assert_eq!(plan(PG, "startup-4").unwrap().memory_mb, 4096);
        assert!(plan(PG, "business-4").is_none() && plan("kafka", "startup-4").is_none());
    }
}

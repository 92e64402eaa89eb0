//! Services. Creating one takes its VPC's row lock (the same a VPC delete takes), so a VPC cannot
//! be deleted while a service is being placed in it; the per-project limit and the name's
//! uniqueness are checked in that same transaction.

use super::rows::{self, SERVICE_COLUMNS as COLUMNS};
use super::{ms, Store};
use crate::domain::service::MAX_SERVICES_PER_PROJECT;
use crate::domain::{NewService, Service, ServiceState, VpcState};
use crate::error::{ControlPlaneError, Result};
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

impl Store {
    /// Creates a service in REBUILDING, in its VPC (which must be ACTIVE).
    pub async fn create_service(&self, project: &str, new: &NewService, now: DateTime<Utc>) -> Result<Service> {
        let mut tx = self.pool.begin().await?;
        // Write first: takes the VPC's row lock (see `begin_vpc_delete`).
        let locked =
            sqlx::query("UPDATE vpcs SET updated_at = updated_at WHERE id = $1 AND project = $2 AND state = $3")
                .bind(new.vpc_id.to_string())
                .bind(project)
                .bind(VpcState::Active.as_str())
                .execute(&mut *tx)
                .await?;
        if locked.rows_affected() == 0 {
            tx.rollback().await?;
            let vpc = self.get_vpc(project, new.vpc_id).await?;
            return Err(ControlPlaneError::VpcNotActive { id: vpc.id.to_string(), state: vpc.state.as_str().into() });
        }
        let taken = sqlx::query("SELECT deleting FROM services WHERE project = $1 AND name = $2")
            .bind(project)
            .bind(&new.name)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = taken {
            tx.rollback().await?;
            let deleting = row.try_get::<i64, _>("deleting")? != 0;
            return Err(if deleting {
                ControlPlaneError::Invalid {
                    field: "service_name".into(),
                    message: format!("Service '{}' is still being terminated; retry in a few seconds", new.name),
                }
            } else {
                ControlPlaneError::ServiceExists(new.name.clone())
            });
        }
        let count = sqlx::query("SELECT COUNT(*) AS n FROM services WHERE project = $1")
            .bind(project)
            .fetch_one(&mut *tx)
            .await?;
        if count.try_get::<i64, _>("n")? >= MAX_SERVICES_PER_PROJECT {
            tx.rollback().await?;
            return Err(ControlPlaneError::Invalid {
                field: "service_name".into(),
                message: format!(
                    "Project '{project}' already has {MAX_SERVICES_PER_PROJECT} services, the most it may have; terminate one first"
                ),
            });
        }
        let id = Uuid::new_v4();
        let tags = serde_json::to_string(&new.tags).map_err(|e| ControlPlaneError::Store(e.to_string()))?;
        sqlx::query(
            "INSERT INTO services (id, project, name, service_type, plan, cloud_name, vpc_id, state, admin_password, \
             host, port, placement_error, disk_space_mb, termination_protection, tags, deleting, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL, NULL, $10, $11, $12, 0, $13, $13)",
        )
        .bind(id.to_string())
        .bind(project)
        .bind(&new.name)
        .bind(&new.service_type)
        .bind(&new.plan)
        .bind(&new.cloud_name)
        .bind(new.vpc_id.to_string())
        .bind(ServiceState::Rebuilding.as_str())
        .bind(&new.admin_password)
        .bind(new.disk_space_mb)
        .bind(i64::from(new.termination_protection))
        .bind(tags)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.service_by_id(id).await
    }

    /// A project's services, by name (those being terminated are gone).
    pub async fn list_services(&self, project: &str) -> Result<Vec<Service>> {
        let sql = format!("SELECT {COLUMNS} FROM services WHERE project = $1 AND deleting = 0 ORDER BY name");
        sqlx::query(&sql).bind(project).fetch_all(&self.pool).await?.iter().map(rows::service).collect()
    }

    /// A VPC's services (those being terminated are gone).
    pub async fn services_in_vpc(&self, vpc_id: Uuid) -> Result<Vec<Service>> {
        let sql = format!("SELECT {COLUMNS} FROM services WHERE vpc_id = $1 AND deleting = 0 ORDER BY name");
        sqlx::query(&sql).bind(vpc_id.to_string()).fetch_all(&self.pool).await?.iter().map(rows::service).collect()
    }

    pub async fn get_service(&self, project: &str, name: &str) -> Result<Service> {
        let sql = format!("SELECT {COLUMNS} FROM services WHERE project = $1 AND name = $2 AND deleting = 0");
        let row = sqlx::query(&sql).bind(project).bind(name).fetch_optional(&self.pool).await?;
        row.as_ref().map(rows::service).transpose()?.ok_or_else(|| ControlPlaneError::ServiceNotFound(name.into()))
    }

    async fn service_by_id(&self, id: Uuid) -> Result<Service> {
        let sql = format!("SELECT {COLUMNS} FROM services WHERE id = $1");
        let row = sqlx::query(&sql).bind(id.to_string()).fetch_optional(&self.pool).await?;
        row.as_ref().map(rows::service).transpose()?.ok_or_else(|| ControlPlaneError::ServiceNotFound(id.to_string()))
    }

    /// Marks a service for termination (gone from the API at once; its server goes next).
    /// A protected service is refused.
    pub async fn begin_service_delete(&self, project: &str, name: &str, now: DateTime<Utc>) -> Result<Service> {
        let service = self.get_service(project, name).await?;
        if service.termination_protection {
            return Err(ControlPlaneError::ServiceProtected(name.into()));
        }
        let done = sqlx::query(
            "UPDATE services SET deleting = 1, updated_at = $1 WHERE id = $2 AND deleting = 0 AND termination_protection = 0",
        )
        .bind(ms(now))
        .bind(service.id.to_string())
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(ControlPlaneError::ServiceNotFound(name.into()));
        }
        Ok(service)
    }

    /// Every service the placer has work on: all of them (running ones are checked too).
    pub async fn all_services(&self) -> Result<Vec<Service>> {
        let sql = format!("SELECT {COLUMNS} FROM services ORDER BY created_at");
        sqlx::query(&sql).fetch_all(&self.pool).await?.iter().map(rows::service).collect()
    }

    /// Records where a service answers and moves it to `to` (from any state it may leave for it).
    pub async fn set_service_placed(
        &self,
        id: Uuid,
        to: ServiceState,
        endpoint: Option<(&str, u16)>,
        placement_error: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let from: Vec<String> = ServiceState::ALL
            .into_iter()
            .filter(|s| *s == to || s.can_become(to))
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        let sql = format!(
            "UPDATE services SET state = $1, host = COALESCE($2, host), port = COALESCE($3, port), placement_error = $4, \
             updated_at = $5 WHERE id = $6 AND deleting = 0 AND state IN ({})",
            from.join(", ")
        );
        sqlx::query(&sql)
            .bind(to.as_str())
            .bind(endpoint.map(|e| e.0.to_string()))
            .bind(endpoint.map(|e| i64::from(e.1)))
            .bind(placement_error)
            .bind(ms(now))
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forgets a terminated service once its server is gone.
    pub async fn remove_service(&self, id: Uuid) -> Result<()> {
        sqlx::query("DELETE FROM services WHERE id = $1 AND deleting = 1")
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

//! Project VPCs.

use super::rows::{self, VPC_COLUMNS};
use super::{ms, Store};
use crate::domain::{Vpc, VpcState};
use crate::error::{ControlPlaneError, Result};
use chrono::{DateTime, Utc};
use ipnet::IpNet;
use sqlx::Row;
use uuid::Uuid;

impl Store {
    /// Creates a VPC in APPROVED; a project has one live VPC per cloud (Aiven's rule: services in
    /// a cloud go into its VPC). The check and the insert are one transaction, ordered by the
    /// project row's lock (taken first, by a write), so two creates at once cannot both pass.
    pub async fn create_vpc(&self, project: &str, cloud_name: &str, cidr: IpNet, now: DateTime<Utc>) -> Result<Vpc> {
        let mut tx = self.pool.begin().await?;
        let touched = sqlx::query("UPDATE projects SET created_at = created_at WHERE name = $1")
            .bind(project)
            .execute(&mut *tx)
            .await?;
        if touched.rows_affected() == 0 {
            tx.rollback().await?;
            return Err(ControlPlaneError::ProjectNotFound(project.to_string()));
        }
        let sql = format!(
            "SELECT {VPC_COLUMNS} FROM vpcs WHERE project = $1 AND cloud_name = $2 AND state <> 'DELETED' ORDER BY created_at, id"
        );
        let existing = sqlx::query(&sql).bind(project).bind(cloud_name).fetch_optional(&mut *tx).await?;
        if let Some(other) = existing.as_ref().map(rows::vpc).transpose()? {
            tx.rollback().await?;
            return Err(ControlPlaneError::VpcExistsInCloud {
                cloud: cloud_name.to_string(),
                id: other.id.to_string(),
            });
        }
        let id = Uuid::new_v4();
        sqlx::query(
            "INSERT INTO vpcs (id, project, cloud_name, network_cidr, state, provider_vnet_id, created_at, updated_at, next_check_at) \
             VALUES ($1, $2, $3, $4, $5, NULL, $6, $6, $6)",
        )
        .bind(id.to_string())
        .bind(project)
        .bind(cloud_name)
        .bind(cidr.to_string())
        .bind(VpcState::Approved.as_str())
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.get_vpc(project, id).await
    }

    /// Live VPCs of a project (DELETED ones are gone from the API).
    pub async fn list_vpcs(&self, project: &str) -> Result<Vec<Vpc>> {
        let sql =
            format!("SELECT {VPC_COLUMNS} FROM vpcs WHERE project = $1 AND state <> 'DELETED' ORDER BY created_at, id");
        sqlx::query(&sql).bind(project).fetch_all(&self.pool).await?.iter().map(rows::vpc).collect()
    }

    pub async fn get_vpc(&self, project: &str, id: Uuid) -> Result<Vpc> {
        let sql = format!("SELECT {VPC_COLUMNS} FROM vpcs WHERE project = $1 AND id = $2 AND state <> 'DELETED'");
        let row = sqlx::query(&sql).bind(project).bind(id.to_string()).fetch_optional(&self.pool).await?;
        row.as_ref().map(rows::vpc).transpose()?.ok_or(ControlPlaneError::VpcNotFound)
    }

    pub async fn vpc_by_id(&self, id: Uuid) -> Result<Vpc> {
        let sql = format!("SELECT {VPC_COLUMNS} FROM vpcs WHERE id = $1");
        let row = sqlx::query(&sql).bind(id.to_string()).fetch_optional(&self.pool).await?;
        row.as_ref().map(rows::vpc).transpose()?.ok_or(ControlPlaneError::VpcNotFound)
    }

    /// Starts deleting a VPC, in one transaction with the check that no live connection uses it (a
    /// concurrent connection create takes the same VPC row lock, so they cannot both succeed).
    /// A VPC already DELETING is returned as it is.
    pub async fn begin_vpc_delete(&self, id: Uuid, now: DateTime<Utc>) -> Result<Vpc> {
        let mut tx = self.pool.begin().await?;
        // Which states may start deleting is the domain's to say; DELETING again is idempotent.
        let from: Vec<String> = [VpcState::Approved, VpcState::Active, VpcState::Deleting, VpcState::Deleted]
            .into_iter()
            .filter(|s| *s == VpcState::Deleting || s.can_become(VpcState::Deleting))
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        // Write first (see `create_connection`): this takes the row lock.
        let sql = format!(
            "UPDATE vpcs SET state = 'DELETING', updated_at = $1, next_check_at = $1 WHERE id = $2 AND state IN ({})",
            from.join(", ")
        );
        let moved = sqlx::query(&sql).bind(ms(now)).bind(id.to_string()).execute(&mut *tx).await?;
        if moved.rows_affected() == 0 {
            tx.rollback().await?;
            return Err(ControlPlaneError::VpcNotFound);
        }
        let live = sqlx::query(
            "SELECT COUNT(*) AS n FROM peering_connections WHERE vpc_id = $1 AND state <> 'DELETED' AND state <> 'DELETED_BY_PEER'",
        )
        .bind(id.to_string())
        .fetch_one(&mut *tx)
        .await?;
        let n: i64 = live.try_get("n")?;
        if n > 0 {
            tx.rollback().await?;
            return Err(ControlPlaneError::VpcHasConnections(id.to_string()));
        }
        let services = sqlx::query("SELECT COUNT(*) AS n FROM services WHERE vpc_id = $1")
            .bind(id.to_string())
            .fetch_one(&mut *tx)
            .await?;
        if services.try_get::<i64, _>("n")? > 0 {
            tx.rollback().await?;
            return Err(ControlPlaneError::VpcHasServices(id.to_string()));
        }
        tx.commit().await?;
        self.vpc_by_id(id).await
    }

    /// Moves a VPC from `from` to `to` if it is still in `from`.
    pub async fn set_vpc_state(
        &self,
        id: Uuid,
        from: VpcState,
        to: VpcState,
        provider_vnet_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Vpc> {
        if !from.can_become(to) {
            return Err(ControlPlaneError::IllegalTransition { from: from.as_str().into(), to: to.as_str().into() });
        }
        let done = sqlx::query(
            "UPDATE vpcs SET state = $1, provider_vnet_id = COALESCE($2, provider_vnet_id), updated_at = $3, next_check_at = $3 \
             WHERE id = $4 AND state = $5",
        )
        .bind(to.as_str())
        .bind(provider_vnet_id)
        .bind(ms(now))
        .bind(id.to_string())
        .bind(from.as_str())
        .execute(&self.pool)
        .await?;
        let vpc = self.vpc_by_id(id).await?;
        if done.rows_affected() == 1 {
            Ok(vpc)
        } else {
            Err(ControlPlaneError::StaleState {
                id: id.to_string(),
                expected: from.as_str().into(),
                actual: vpc.state.as_str().into(),
            })
        }
    }
}

impl Store {
    /// `POST …/refresh`: the VPC's VNet is due for a sweep now, and an observation of it made
    /// before `now` is not trusted (kept in the store, so any replica honours it).
    pub async fn request_refresh(&self, vpc_id: Uuid, now: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE vpcs SET refresh_requested_at = $1, next_check_at = $1 WHERE id = $2")
            .bind(ms(now))
            .bind(vpc_id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// VPCs whose provider VNet must be created (APPROVED) or removed (DELETING).
    pub async fn vpcs_needing_work(&self) -> Result<Vec<Vpc>> {
        let sql = format!("SELECT {VPC_COLUMNS} FROM vpcs WHERE state IN ('APPROVED', 'DELETING') ORDER BY created_at");
        sqlx::query(&sql).fetch_all(&self.pool).await?.iter().map(rows::vpc).collect()
    }
}

//! The sweep queue: each ACTIVE project VPC with watched connections (PENDING_PEER, ACTIVE) is
//! due for a sweep of its provider VNet at `next_check_at`, claimed with a lease so one replica
//! observes it per sweep. Watched connections themselves are not due (`WATCHED`) unless a sweep
//! hands one over for Azure writes.

use super::rows::{self, CONNECTION_COLUMNS, VPC_COLUMNS};
use super::{at, ms, Store};
use crate::domain::{PeeringConnection, Vpc};
use crate::error::Result;
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

/// `next_check_at` of a watched connection: never due by itself (9999-12-31), its VPC's sweeps
/// watch it.
pub const WATCHED: i64 = 253_402_300_799_000;

const HAS_WATCHED: &str = "EXISTS (SELECT 1 FROM peering_connections c WHERE c.vpc_id = vpcs.id \
                           AND c.state IN ('PENDING_PEER', 'ACTIVE'))";

impl Store {
    /// Claims up to `limit` VPCs due for a sweep by `due_by`, most overdue first (on PostgreSQL,
    /// rows another replica is claiming are skipped, not waited for).
    pub async fn claim_due_sweeps(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        due_by: DateTime<Utc>,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<Vpc>> {
        let lock = if self.sqlite { "" } else { " FOR UPDATE SKIP LOCKED" };
        let sql = format!(
            "UPDATE vpcs SET lease_owner = $1, lease_until = $2 \
             WHERE id IN (SELECT id FROM vpcs \
                          WHERE state = 'ACTIVE' AND provider_vnet_id IS NOT NULL AND next_check_at <= $5 \
                            AND (lease_until IS NULL OR lease_until < $3) AND {HAS_WATCHED} \
                          ORDER BY next_check_at LIMIT $4{lock}) \
               AND (lease_until IS NULL OR lease_until < $3) \
             RETURNING {VPC_COLUMNS}"
        );
        let rows = sqlx::query(&sql)
            .bind(owner)
            .bind(ms(now) + lease_ms)
            .bind(ms(now))
            .bind(limit)
            .bind(ms(due_by))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::vpc).collect()
    }

    /// Ends a sweep's lease, recording when its observation began: due again at `next`, or at once
    /// if a refresh was asked for after that (the observation may predate what the client wants
    /// seen).
    pub async fn release_sweep(
        &self,
        vpc_id: Uuid,
        owner: &str,
        observed_from: DateTime<Utc>,
        next: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE vpcs SET lease_owner = NULL, lease_until = NULL, observed_at = $1, \
             next_check_at = CASE WHEN refresh_requested_at > $1 THEN $2 ELSE $3 END \
             WHERE id = $4 AND lease_owner = $5",
        )
        .bind(ms(observed_from))
        .bind(ms(now))
        .bind(ms(next))
        .bind(vpc_id.to_string())
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Brings the VPC's next sweep forward to `by` (a connection of it began to be watched).
    pub async fn sweep_due_by(&self, vpc_id: Uuid, by: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE vpcs SET next_check_at = $1 WHERE id = $2 AND next_check_at > $1")
            .bind(ms(by))
            .bind(vpc_id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// When the next sweep is due on any VPC, so the sweeper can sleep until then.
    pub async fn next_sweep_due(&self) -> Result<Option<DateTime<Utc>>> {
        let sql = format!(
            "SELECT MIN(next_check_at) AS due FROM vpcs WHERE state = 'ACTIVE' AND provider_vnet_id IS NOT NULL AND {HAS_WATCHED}"
        );
        let row = sqlx::query(&sql).fetch_one(&self.pool).await?;
        Ok(row.try_get::<Option<i64>, _>("due")?.map(at))
    }

    /// The VPC's watched connections that no replica is working on now.
    pub async fn watched_connections(&self, vpc_id: Uuid, now: DateTime<Utc>) -> Result<Vec<PeeringConnection>> {
        let sql = format!(
            "SELECT {CONNECTION_COLUMNS} FROM peering_connections \
             WHERE vpc_id = $1 AND state IN ('PENDING_PEER', 'ACTIVE') AND (lease_until IS NULL OR lease_until < $2)"
        );
        let rows = sqlx::query(&sql).bind(vpc_id.to_string()).bind(ms(now)).fetch_all(&self.pool).await?;
        rows.iter().map(rows::connection).collect()
    }

    /// Hands a watched connection to the per-connection workers (Azure writes are needed: put our
    /// side back, remove it, retry), unless one already has it.
    pub async fn hand_over(&self, id: Uuid, now: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "UPDATE peering_connections SET next_check_at = $1 \
             WHERE id = $2 AND state IN ('PENDING_PEER', 'ACTIVE') AND (lease_until IS NULL OR lease_until < $1)",
        )
        .bind(ms(now))
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

//! Peer-role grants (customer app × provider VNet), claimed before they are made so that, among
//! all replicas, each grant is written to Azure once.

use super::{ms, Store};
use crate::error::Result;
use chrono::{DateTime, Utc};
use sqlx::Row;

/// What a replica found when it went to make a grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantClaim {
    /// Made at this time by some replica.
    Made(DateTime<Utc>),
    /// Ours to make now.
    Claimed,
    /// Another replica is making it.
    InFlight,
}

fn key(app_id: &str, vnet_id: &str) -> (String, String) {
    (app_id.to_ascii_lowercase(), vnet_id.to_ascii_lowercase())
}

impl Store {
    /// Claims the grant for `owner` unless it is made or another live claim holds it.
    pub async fn claim_grant(
        &self,
        app_id: &str,
        vnet_id: &str,
        owner: &str,
        now: DateTime<Utc>,
        lease_ms: i64,
    ) -> Result<GrantClaim> {
        let (app, vnet) = key(app_id, vnet_id);
        // New row, or a lapsed claim nobody finished: ours.
        let took = sqlx::query(
            "INSERT INTO grants (app_id, vnet_id, owner, lease_until, made_at) VALUES ($1, $2, $3, $4, 0) \
             ON CONFLICT (app_id, vnet_id) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until \
             WHERE grants.made_at = 0 AND grants.lease_until < $5",
        )
        .bind(&app)
        .bind(&vnet)
        .bind(owner)
        .bind(ms(now) + lease_ms)
        .bind(ms(now))
        .execute(&self.pool)
        .await?;
        if took.rows_affected() == 1 {
            return Ok(GrantClaim::Claimed);
        }
        let row = sqlx::query("SELECT owner, made_at FROM grants WHERE app_id = $1 AND vnet_id = $2")
            .bind(&app)
            .bind(&vnet)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) if r.try_get::<i64, _>("made_at")? > 0 => GrantClaim::Made(super::at(r.try_get("made_at")?)),
            Some(r) if r.try_get::<String, _>("owner")? == owner => GrantClaim::Claimed,
            // deleted between the two statements: try again next time
            _ => GrantClaim::InFlight,
        })
    }

    /// The grant `owner` claimed is now in Azure.
    pub async fn grant_made(&self, app_id: &str, vnet_id: &str, now: DateTime<Utc>) -> Result<()> {
        let (app, vnet) = key(app_id, vnet_id);
        sqlx::query("UPDATE grants SET made_at = $1 WHERE app_id = $2 AND vnet_id = $3")
            .bind(ms(now))
            .bind(&app)
            .bind(&vnet)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forgets a grant (revoked, failed, or found missing in Azure), so the next need makes it.
    pub async fn forget_grant(&self, app_id: &str, vnet_id: &str) -> Result<()> {
        let (app, vnet) = key(app_id, vnet_id);
        sqlx::query("DELETE FROM grants WHERE app_id = $1 AND vnet_id = $2")
            .bind(&app)
            .bind(&vnet)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

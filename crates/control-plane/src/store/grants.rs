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

    /// Takes the grant for revoking it, so that no replica trusts or makes it meanwhile (their
    /// claims find it in flight and wait). `None` when another replica is making it right now:
    /// a connection needs it, so it must not be revoked. Otherwise whether it was made.
    pub async fn claim_revoke(
        &self,
        app_id: &str,
        vnet_id: &str,
        owner: &str,
        now: DateTime<Utc>,
        lease_ms: i64,
    ) -> Result<Option<bool>> {
        let (app, vnet) = key(app_id, vnet_id);
        let row = sqlx::query("SELECT owner, lease_until, made_at FROM grants WHERE app_id = $1 AND vnet_id = $2")
            .bind(&app)
            .bind(&vnet)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            let took = sqlx::query(
                "INSERT INTO grants (app_id, vnet_id, owner, lease_until, made_at) VALUES ($1, $2, $3, $4, 0) \
                 ON CONFLICT (app_id, vnet_id) DO NOTHING",
            )
            .bind(&app)
            .bind(&vnet)
            .bind(owner)
            .bind(ms(now) + lease_ms)
            .execute(&self.pool)
            .await?;
            return Ok((took.rows_affected() == 1).then_some(false));
        };
        let (made, lease): (i64, i64) = (row.try_get("made_at")?, row.try_get("lease_until")?);
        if made == 0 && lease >= ms(now) && row.try_get::<String, _>("owner")? != owner {
            return Ok(None);
        }
        // Compare-and-set on what was read: a claim that got in between wins.
        let took = sqlx::query(
            "UPDATE grants SET owner = $1, lease_until = $2, made_at = 0 \
             WHERE app_id = $3 AND vnet_id = $4 AND made_at = $5 AND lease_until = $6",
        )
        .bind(owner)
        .bind(ms(now) + lease_ms)
        .bind(&app)
        .bind(&vnet)
        .bind(made)
        .bind(lease)
        .execute(&self.pool)
        .await?;
        Ok((took.rows_affected() == 1).then_some(made > 0))
    }

    /// Ends a revoke claim without revoking (a connection still needs the grant): made again if
    /// it was made, else forgotten.
    pub async fn keep_grant(
        &self,
        app_id: &str,
        vnet_id: &str,
        owner: &str,
        was_made: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (app, vnet) = key(app_id, vnet_id);
        let done = if was_made {
            sqlx::query("UPDATE grants SET made_at = $1 WHERE app_id = $2 AND vnet_id = $3 AND owner = $4")
                .bind(ms(now))
                .bind(&app)
                .bind(&vnet)
                .bind(owner)
                .execute(&self.pool)
                .await
        } else {
            sqlx::query("DELETE FROM grants WHERE app_id = $1 AND vnet_id = $2 AND owner = $3")
                .bind(&app)
                .bind(&vnet)
                .bind(owner)
                .execute(&self.pool)
                .await
        };
        done?;
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

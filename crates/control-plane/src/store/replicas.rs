//! Reconciler replicas announce themselves, so each knows how many share the provider
//! subscription's ARM budget.

use super::{ms, Store};
use crate::error::Result;
use chrono::{DateTime, Utc};
use sqlx::Row;

impl Store {
    /// Records that `name` is alive at `now`.
    pub async fn replica_seen(&self, name: &str, now: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "INSERT INTO replicas (name, seen_at) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET seen_at = excluded.seen_at",
        )
        .bind(name)
        .bind(ms(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// How many replicas were seen since `since` (at least 1: the caller is one).
    pub async fn live_replicas(&self, since: DateTime<Utc>) -> Result<u32> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM replicas WHERE seen_at >= $1")
            .bind(ms(since))
            .fetch_one(&self.pool)
            .await?;
        let n: i64 = row.try_get("n")?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX).max(1))
    }

    /// A replica shutting down leaves at once instead of when its heartbeat lapses.
    pub async fn replica_left(&self, name: &str) -> Result<()> {
        sqlx::query("DELETE FROM replicas WHERE name = $1").bind(name).execute(&self.pool).await?;
        Ok(())
    }
}

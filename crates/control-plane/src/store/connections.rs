//! Peering connections, their transitions (each one a transaction that checks the expected previous
//! state and records a timeline event), and the reconciler's work queue with leases.

use super::rows::{self, CONNECTION_COLUMNS};
use super::{ms, Store};
use crate::domain::{ConnectionEvent, ConnectionState, NewConnection, PeeringConnection, StateInfo, Vpc};
use crate::error::{ControlPlaneError, Result};
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

fn match_key(account: &str, resource_group: &str, vnet: &str) -> String {
    format!("{}/{}/{}", account.to_lowercase(), resource_group.to_lowercase(), vnet.to_lowercase())
}

fn info_json(info: Option<&StateInfo>) -> Option<String> {
    info.map(|i| serde_json::to_string(i).expect("state info serialises"))
}

impl Store {
    /// Creates a connection in APPROVED with its first timeline event. The (VPC, subscription, group,
    /// VNet) slot is unique among live connections, compared case-insensitively.
    pub async fn create_connection(
        &self,
        vpc: &Vpc,
        new: &NewConnection,
        now: DateTime<Utc>,
    ) -> Result<PeeringConnection> {
        let key = match_key(&new.peer_cloud_account, &new.peer_resource_group, &new.peer_vpc);
        // Write first: on SQLite a transaction that reads before it writes cannot wait for the
        // write lock (it fails "database is locked" at once); the unique index on live slots is
        // what refuses a duplicate, on both databases.
        let mut tx = self.pool.begin().await?;
        // Bumping the VPC's connections version takes its row lock, and only while the VPC takes
        // connections: a VPC delete (which takes the same lock) and this create are then ordered,
        // so neither can miss the other.
        let open = sqlx::query(
            "UPDATE vpcs SET connections_version = connections_version + 1 WHERE id = $1 AND state <> 'DELETING' AND state <> 'DELETED'",
        )
        .bind(vpc.id.to_string())
        .execute(&mut *tx)
        .await?;
        if open.rows_affected() == 0 {
            tx.rollback().await?;
            let now_vpc = self.vpc_by_id(vpc.id).await?;
            return Err(ControlPlaneError::VpcNotActive {
                id: vpc.id.to_string(),
                state: now_vpc.state.as_str().into(),
            });
        }
        let id = Uuid::new_v4();
        let inserted = sqlx::query(
            "INSERT INTO peering_connections (id, vpc_id, project, peer_cloud_account, peer_resource_group, peer_vpc, \
             peer_azure_app_id, peer_azure_tenant_id, user_peer_network_cidrs, match_key, state, state_info, created_at, updated_at, next_check_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12, $12, $12)",
        )
        .bind(id.to_string())
        .bind(vpc.id.to_string())
        .bind(&vpc.project)
        .bind(&new.peer_cloud_account)
        .bind(&new.peer_resource_group)
        .bind(&new.peer_vpc)
        .bind(&new.peer_azure_app_id)
        .bind(&new.peer_azure_tenant_id)
        .bind(serde_json::to_string(&new.user_peer_network_cidrs).expect("cidrs serialise"))
        .bind(&key)
        .bind(ConnectionState::Approved.as_str())
        .bind(ms(now))
        .execute(&mut *tx)
        .await;
        if let Err(e) = inserted {
            // a concurrent create won the unique index
            return Err(if e.as_database_error().is_some_and(|d| d.is_unique_violation()) {
                ControlPlaneError::ConnectionExists
            } else {
                e.into()
            });
        }
        record_event(&mut tx, id, None, ConnectionState::Approved, "created by the API", now).await?;
        tx.commit().await?;
        self.connection(id).await
    }

    pub async fn connection(&self, id: Uuid) -> Result<PeeringConnection> {
        let sql = format!("SELECT {CONNECTION_COLUMNS} FROM peering_connections WHERE id = $1");
        let row = sqlx::query(&sql).bind(id.to_string()).fetch_optional(&self.pool).await?;
        row.as_ref().map(rows::connection).transpose()?.ok_or(ControlPlaneError::ConnectionNotFound)
    }

    /// The VPC's connections the API shows: everything but DELETED.
    pub async fn connections_of(&self, vpc_id: Uuid) -> Result<Vec<PeeringConnection>> {
        if self.sqlite {
            let row = sqlx::query(
                "SELECT json_group_array(json_object('id', id, 'vpc_id', vpc_id, 'project', project, \
                 'peer_cloud_account', peer_cloud_account, 'peer_resource_group', peer_resource_group, 'peer_vpc', peer_vpc, \
                 'peer_azure_app_id', peer_azure_app_id, 'peer_azure_tenant_id', peer_azure_tenant_id, \
                 'user_peer_network_cidrs', user_peer_network_cidrs, 'state', state, 'state_info', state_info, \
                 'created_at', created_at, 'updated_at', updated_at)) AS list \
                 FROM (SELECT * FROM peering_connections WHERE vpc_id = $1 AND state <> 'DELETED' ORDER BY created_at, id)",
            )
            .bind(vpc_id.to_string())
            .fetch_one(&self.pool)
            .await?;
            let list: String = row.try_get("list")?;
            let records: Vec<rows::ConnectionRecord> =
                serde_json::from_str(&list).map_err(|e| ControlPlaneError::Store(format!("connection list: {e}")))?;
            return records.into_iter().map(rows::ConnectionRecord::into_domain).collect();
        }
        let sql = format!(
            "SELECT {CONNECTION_COLUMNS} FROM peering_connections WHERE vpc_id = $1 AND state <> 'DELETED' ORDER BY created_at, id"
        );
        sqlx::query(&sql).bind(vpc_id.to_string()).fetch_all(&self.pool).await?.iter().map(rows::connection).collect()
    }

    /// Moves a connection `from` → `to` if it is still in `from`, with the timeline event, in one
    /// transaction. `next_check_in_ms` schedules the reconciler's next look.
    pub async fn transition(
        &self,
        id: Uuid,
        from: ConnectionState,
        to: ConnectionState,
        info: Option<&StateInfo>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<PeeringConnection> {
        if !from.can_become(to) {
            return Err(ControlPlaneError::IllegalTransition { from: from.to_string(), to: to.to_string() });
        }
        let mut tx = self.pool.begin().await?;
        // A watched state is observed by its VPC's sweeps, not looked at on its own.
        let next_check = if to.is_watched() { super::WATCHED } else { ms(now) };
        let done = sqlx::query("UPDATE peering_connections SET state = $1, state_info = $2, updated_at = $3, next_check_at = $6 WHERE id = $4 AND state = $5")
            .bind(to.as_str())
            .bind(info_json(info))
            .bind(ms(now))
            .bind(id.to_string())
            .bind(from.as_str())
            .bind(next_check)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            drop(tx);
            let actual = self.connection(id).await?.state;
            return Err(ControlPlaneError::StaleState {
                id: id.to_string(),
                expected: from.to_string(),
                actual: actual.to_string(),
            });
        }
        bump_connections_of(&mut tx, id).await?;
        record_event(&mut tx, id, Some(from), to, reason, now).await?;
        tx.commit().await?;
        self.connection(id).await
    }

    /// Updates `state_info` without changing state (e.g. a transient error being retried), if the
    /// connection is still in `state`.
    pub async fn set_state_info(
        &self,
        id: Uuid,
        state: ConnectionState,
        info: Option<&StateInfo>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let done =
            sqlx::query("UPDATE peering_connections SET state_info = $1, updated_at = $2 WHERE id = $3 AND state = $4")
                .bind(info_json(info))
                .bind(ms(now))
                .bind(id.to_string())
                .bind(state.as_str())
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        bump_connections_of(&mut tx, id).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn events(&self, id: Uuid) -> Result<Vec<ConnectionEvent>> {
        let rows = sqlx::query(
            "SELECT from_state, to_state, reason, at FROM connection_events WHERE connection_id = $1 ORDER BY seq",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::event).collect()
    }

    /// Claims the most overdue connection that needs work and is not leased by a live replica.
    pub async fn claim_due(&self, owner: &str, now: DateTime<Utc>, lease_ms: i64) -> Result<Option<PeeringConnection>> {
        Ok(self.claim_due_batch(owner, now, lease_ms, 1).await?.pop())
    }

    /// Claims up to `limit` of the most overdue connections in one statement. On PostgreSQL the
    /// candidates are locked `FOR UPDATE SKIP LOCKED`, so replicas claiming at once take different
    /// rows instead of queueing on the same ones; the lease check is repeated in the outer `WHERE`
    /// as well. SQLite has one writer anyway (and no row locks).
    pub async fn claim_due_batch(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<PeeringConnection>> {
        let lock = if self.sqlite { "" } else { " FOR UPDATE SKIP LOCKED" };
        let sql = format!(
            "UPDATE peering_connections SET lease_owner = $1, lease_until = $2 \
             WHERE id IN (SELECT id FROM peering_connections \
                          WHERE next_check_at <= $3 AND (lease_until IS NULL OR lease_until < $3) \
                            AND state IN ('APPROVED', 'PENDING_PEER', 'ACTIVE', 'DELETING') \
                          ORDER BY next_check_at LIMIT $4{lock}) \
               AND (lease_until IS NULL OR lease_until < $3) \
             RETURNING id"
        );
        let rows = sqlx::query(&sql)
            .bind(owner)
            .bind(ms(now) + lease_ms)
            .bind(ms(now))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for r in rows {
            let id: String = r.try_get("id")?;
            claimed.push(
                self.connection(Uuid::parse_str(&id).map_err(|e| ControlPlaneError::Store(e.to_string()))?).await?,
            );
        }
        Ok(claimed)
    }

    /// Counts one more consecutive transient failure of the connection; returns the count.
    pub async fn record_failure(&self, id: Uuid) -> Result<u32> {
        let row =
            sqlx::query("UPDATE peering_connections SET failures = failures + 1 WHERE id = $1 RETURNING failures")
                .bind(id.to_string())
                .fetch_one(&self.pool)
                .await?;
        let n: i64 = row.try_get::<i32, _>("failures").map(i64::from).or_else(|_| row.try_get::<i64, _>("failures"))?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// The connection's step succeeded: its backoff starts over.
    pub async fn reset_failures(&self, id: Uuid) -> Result<()> {
        sqlx::query("UPDATE peering_connections SET failures = 0 WHERE id = $1 AND failures <> 0")
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends a lease and schedules the next check.
    pub async fn release(&self, id: Uuid, owner: &str, next_check_at: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE peering_connections SET lease_owner = NULL, lease_until = NULL, next_check_at = $1 WHERE id = $2 AND lease_owner = $3")
            .bind(ms(next_check_at))
            .bind(id.to_string())
            .bind(owner)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The earliest time any connection is due, so a reconciler can sleep until then.
    pub async fn next_due(&self) -> Result<Option<DateTime<Utc>>> {
        let row = sqlx::query("SELECT MIN(next_check_at) AS due FROM peering_connections WHERE state IN ('APPROVED', 'PENDING_PEER', 'ACTIVE', 'DELETING')")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<Option<i64>, _>("due")?.map(super::at))
    }
}

async fn record_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: Uuid,
    from: Option<ConnectionState>,
    to: ConnectionState,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) AS last FROM connection_events WHERE connection_id = $1")
        .bind(id.to_string())
        .fetch_one(&mut **tx)
        .await?;
    let last: i64 = row.try_get("last")?;
    sqlx::query("INSERT INTO connection_events (connection_id, seq, from_state, to_state, reason, at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id.to_string())
        .bind(last + 1)
        .bind(from.map(|f| f.as_str()))
        .bind(to.as_str())
        .bind(reason)
        .bind(ms(now))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Marks what the API shows of the connection's VPC as changed, inside the transaction that
/// changes it: a VPC page rendered before cannot be served after the commit (writes to the
/// connection row come first, so SQLite's write lock is already held).
async fn bump_connections_of(tx: &mut sqlx::Transaction<'_, sqlx::Any>, id: Uuid) -> Result<()> {
    sqlx::query(
        "UPDATE vpcs SET connections_version = connections_version + 1 \
         WHERE id = (SELECT vpc_id FROM peering_connections WHERE id = $1)",
    )
    .bind(id.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Sets the user peer network CIDRs of several connections in one transaction: all of them
    /// or, on any failure, none.
    pub async fn set_user_cidrs(&self, updates: &[(Uuid, Vec<ipnet::IpNet>)], now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for (id, cidrs) in updates {
            sqlx::query("UPDATE peering_connections SET user_peer_network_cidrs = $1, updated_at = $2 WHERE id = $3")
                .bind(serde_json::to_string(cidrs).expect("cidrs serialise"))
                .bind(ms(now))
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
            bump_connections_of(&mut tx, *id).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// How many connections are in each state (for metrics).
    pub async fn count_by_state(&self) -> Result<Vec<(ConnectionState, i64)>> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM peering_connections GROUP BY state")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let s: String = r.try_get("state")?;
                let n: i64 = r.try_get("n")?;
                Ok((s.parse().map_err(ControlPlaneError::Store)?, n))
            })
            .collect()
    }
}

impl Store {
    /// Extends a lease this replica holds; false if it lost it.
    pub async fn renew(&self, id: Uuid, owner: &str, until: DateTime<Utc>) -> Result<bool> {
        let done = sqlx::query("UPDATE peering_connections SET lease_until = $1 WHERE id = $2 AND lease_owner = $3")
            .bind(ms(until))
            .bind(id.to_string())
            .bind(owner)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

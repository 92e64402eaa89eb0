//! Storage on sqlx's `Any` driver: SQLite (a file in the data dir) by default, PostgreSQL for
//! several replicas. The SQL is the portable subset both accept; leases use compare-and-set
//! updates, so the same code is safe on both.

mod auth;
mod connections;
mod grants;
mod replicas;
mod rows;
mod services;
mod sweeps;
mod vpcs;

use crate::error::Result;
use chrono::{DateTime, Utc};
use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

pub use auth::User;
pub use grants::GrantClaim;
pub use sweeps::WATCHED;

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    /// SQLite hands rows over one at a time across a thread; big lists are fetched as one JSON row.
    sqlite: bool,
}

pub(crate) fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

impl Store {
    /// Connects (`sqlite://path?mode=rwc` or `postgres://…`) and applies migrations.
    pub async fn connect(url: &str) -> Result<Store> {
        install_default_drivers();
        let sqlite = url.starts_with("sqlite:");
        let pool = AnyPoolOptions::new()
            .max_connections(if sqlite { 4 } else { 10 })
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if sqlite {
                        // WAL lets readers run beside the writer; the busy timeout queues writers
                        // instead of failing them. With WAL, synchronous=NORMAL keeps every commit
                        // through a process crash (kill -9); only a power loss may drop the last ones.
                        conn.execute("PRAGMA journal_mode=WAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;").await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Store { pool, sqlite })
    }

    /// A SQLite URL for a file in `dir`.
    pub fn sqlite_url(dir: &std::path::Path) -> String {
        format!("sqlite://{}?mode=rwc", dir.join("control-plane.db").display())
    }
}

//! What the store tests share: a fresh database on either backend, the `on_both!` runner.

use control_plane::domain::validate;
use control_plane::store::Store;
use sqlx::Connection;

const PG_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A fresh database: a SQLite file in a temp dir, or a new PostgreSQL database.
pub async fn fresh(backend: &str) -> (Store, Option<tempfile::TempDir>) {
    match backend {
        "sqlite" => {
            let dir = tempfile::tempdir().unwrap();
            (Store::connect(&Store::sqlite_url(dir.path())).await.unwrap(), Some(dir))
        }
        _ => {
            let admin = std::env::var("ISTHMUS_TEST_POSTGRES").unwrap_or_else(|_| PG_ADMIN.to_string());
            let name = format!("isthmus_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("PostgreSQL on 127.0.0.1:5432 (start it: see .ci/run)");
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
            let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
            (Store::connect(&url).await.unwrap(), None)
        }
    }
}

pub fn new_conn(rg: &str, vnet: &str) -> control_plane::domain::NewConnection {
    let sub = "aaaaaaaa-0000-0000-0000-000000000001";
    validate::new_connection(sub, Some(rg), vnet, Some(sub), Some(sub), &[]).unwrap()
}

/// Runs each named test on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),*) => {
        mod sqlite { $( #[tokio::test] async fn $name() { super::$name("sqlite").await } )* }
        mod postgres { $( #[tokio::test] async fn $name() { super::$name("postgres").await } )* }
    };
}

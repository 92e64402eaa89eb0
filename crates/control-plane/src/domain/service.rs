//! A database service in a project VPC, and the rules of its name and password.

use super::ServiceState;
use crate::error::ControlPlaneError;
use chrono::{DateTime, Utc};
use rand::Rng;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Services one project may have: each is a real server on this machine.
pub const MAX_SERVICES_PER_PROJECT: i64 = 16;

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub id: Uuid,
    pub project: String,
    pub name: String,
    pub service_type: String,
    pub plan: String,
    pub cloud_name: String,
    pub vpc_id: Uuid,
    pub state: ServiceState,
    /// `avnadmin`'s password: Aiven shows it in the service, so it is kept, not hashed.
    pub admin_password: String,
    /// Where the server answers, once placed.
    pub host: Option<String>,
    pub port: Option<u16>,
    /// Why the last placement failed, while it is retried.
    pub placement_error: Option<String>,
    pub disk_space_mb: i64,
    pub termination_protection: bool,
    pub tags: BTreeMap<String, String>,
    /// Set once deletion is asked for: the service is gone from the API, its server not yet.
    pub deleting: bool,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// A validated request to create a service.
#[derive(Debug, Clone, PartialEq)]
pub struct NewService {
    pub name: String,
    pub service_type: String,
    pub plan: String,
    pub cloud_name: String,
    pub vpc_id: Uuid,
    pub admin_password: String,
    pub disk_space_mb: i64,
    pub termination_protection: bool,
    pub tags: BTreeMap<String, String>,
}

/// Aiven's service-name rule: it becomes part of host names.
pub fn service_name(raw: &str) -> Result<String, ControlPlaneError> {
    let ok = (1..=63).contains(&raw.len())
        && raw.starts_with(|c: char| c.is_ascii_lowercase())
        && !raw.ends_with('-')
        && raw.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(raw.to_string())
    } else {
        Err(ControlPlaneError::Invalid {
            field: "service_name".into(),
            message: format!(
                "Service name {raw:?} is not valid: use 1-63 lower-case letters, digits and '-', starting with a letter and not ending with '-'"
            ),
        })
    }
}

/// A new `avnadmin` password in Aiven's style: `AVNS_` and 21 random letters and digits.
pub fn admin_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    let tail: String = (0..21).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
    format!("AVNS_{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_follow_aivens_rule() {
        for ok in ["pg1", "tsdb", "a", "my-db-2"] {
            assert_eq!(service_name(ok).unwrap(), ok);
        }
        let long = "a".repeat(64);
        for bad in ["", "1pg", "-pg", "pg-", "PG", "p_g", "p.g", "pg/1", long.as_str()] {
            assert!(service_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_are_long_random_and_url_safe() {
        let (a, b) = (admin_password(), admin_password());
        assert_ne!(a, b);
        assert_eq!(a.len(), 26);
        assert!(a.starts_with("AVNS_") && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    }
}

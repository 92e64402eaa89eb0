//! Checking a user's password without stalling anyone: argon2 runs on the blocking pool, at most one
//! hash per core at a time, and Entra's lockout (`model::lockout`) turns away a locked user before
//! any hashing happens.

use crate::error::{EmulatorError, Result};
use crate::identity::lockout::Lockouts;
use crate::identity::objects::User;
use crate::model::{secrets, State};
use crate::persistence::lock;
use chrono::{DateTime, Utc};
use std::sync::Mutex;
use tokio::sync::Semaphore;

pub struct PasswordGate {
    hashing: Semaphore,
    lockouts: Mutex<Lockouts>,
}

impl Default for PasswordGate {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        PasswordGate { hashing: Semaphore::new(cores), lockouts: Mutex::default() }
    }
}

impl PasswordGate {
    /// The user `upn` if `password` is theirs; `AADSTS50053` while they are locked out.
    pub async fn sign_in(&self, state: &State, upn: &str, password: &str, now: DateTime<Utc>) -> Result<User> {
        let user = state.user_by_upn(upn).cloned().ok_or_else(|| EmulatorError::AadUserNotFound(upn.to_string()))?;
        lock(&self.lockouts).check(user.id, now)?;
        let ok = {
            let _permit = self.hashing.acquire().await.map_err(|_| EmulatorError::Internal("shutting down".into()))?;
            let (password, hash) = (password.to_string(), user.password_hash.clone());
            tokio::task::spawn_blocking(move || secrets::verify_password(&password, &hash)).await.unwrap_or(false)
        };
        let mut lockouts = lock(&self.lockouts);
        // Another guess may have locked the account while this one was hashing.
        lockouts.check(user.id, now)?;
        lockouts.record(user.id, ok, now);
        if ok {
            Ok(user)
        } else {
            Err(EmulatorError::AadInvalidCredentials)
        }
    }

    pub fn clear(&self) {
        lock(&self.lockouts).clear();
    }
}

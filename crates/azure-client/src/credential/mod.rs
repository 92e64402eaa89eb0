//! Access tokens: the `TokenCredential` trait the ARM and Graph clients take, and the credentials
//! that obtain tokens from Entra ID.

mod cache;
mod client_secret;
mod device_code;
mod password;
mod token_request;

pub use client_secret::ClientSecretCredential;
pub use device_code::{DeviceCodeCredential, DeviceCodePrompt};
pub use password::UsernamePasswordCredential;

use crate::error::Result;
use crate::secret::Secret;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Something that can produce bearer tokens for (tenant, scope) pairs. Implementations cache:
/// clients ask for a token before every request.
pub trait TokenCredential: Send + Sync {
    fn token<'a>(&'a self, tenant: &'a str, scope: &'a str) -> BoxFuture<'a, Result<AccessToken>>;
    /// Drops the cached token for (tenant, scope): the service rejected it before its expiry (a
    /// clock skew, a revoked session, a rotated key), so the next `token` fetches a new one.
    fn forget(&self, _tenant: &str, _scope: &str) {}
}

/// Tokens are refreshed this long before they expire, so one never lapses mid-request or
/// mid-operation.
const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

#[derive(Debug, Clone)]
pub struct AccessToken {
    token: Secret,
    expires_at: Instant,
    refresh_at: Instant,
}

impl AccessToken {
    /// A token valid for `expires_in` from now. It is considered stale 5 minutes before expiry, or
    /// at half its life when it lives less than 10 minutes.
    pub fn new(token: Secret, expires_in: Duration) -> Self {
        let now = Instant::now();
        let margin = REFRESH_MARGIN.min(expires_in / 2);
        AccessToken { token, expires_at: now + expires_in, refresh_at: now + expires_in - margin }
    }

    pub fn secret(&self) -> &Secret {
        &self.token
    }

    pub fn expires_at(&self) -> Instant {
        self.expires_at
    }

    pub(crate) fn fresh_at(&self, now: Instant) -> bool {
        now < self.refresh_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refreshes_five_minutes_early_or_at_half_life() {
        let t = AccessToken::new(Secret::from("t"), Duration::from_secs(3600));
        assert!(t.fresh_at(t.expires_at - Duration::from_secs(301)));
        assert!(!t.fresh_at(t.expires_at - Duration::from_secs(299)));
        let short = AccessToken::new(Secret::from("t"), Duration::from_secs(120));
        assert!(short.fresh_at(short.expires_at - Duration::from_secs(61)));
        assert!(!short.fresh_at(short.expires_at - Duration::from_secs(59)));
    }
}

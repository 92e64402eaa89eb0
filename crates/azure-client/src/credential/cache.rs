//! Tokens per (tenant, scope), with one fetch in flight per key so a burst of requests after
//! expiry makes one token request, not one each.

use super::AccessToken;
use crate::error::Result;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Instant;

type Slot = Arc<tokio::sync::Mutex<Option<AccessToken>>>;

#[derive(Default)]
pub(crate) struct TokenCache {
    slots: Mutex<HashMap<(String, String), Slot>>,
}

impl TokenCache {
    pub async fn get_or_fetch<F, Fut>(&self, tenant: &str, scope: &str, fetch: F) -> Result<AccessToken>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AccessToken>>,
    {
        // Tenant ids are GUIDs or domain names: both case-insensitive.
        let key = (tenant.to_ascii_lowercase(), scope.to_string());
        let slot = self.slots.lock().expect("token cache lock").entry(key).or_default().clone();
        let mut held = slot.lock().await;
        if let Some(t) = held.as_ref().filter(|t| t.fresh_at(Instant::now())) {
            return Ok(t.clone());
        }
        let fresh = fetch().await?;
        *held = Some(fresh.clone());
        Ok(fresh)
    }

    /// Forgets the token of (tenant, scope); a fetch already in flight keeps its own slot.
    pub fn forget(&self, tenant: &str, scope: &str) {
        self.slots.lock().expect("token cache lock").remove(&(tenant.to_ascii_lowercase(), scope.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn fetches_once_per_tenant_and_scope() {
        let cache = TokenCache::default();
        let fetches = AtomicU32::new(0);
        let fetch = || async {
            fetches.fetch_add(1, Ordering::SeqCst);
            Ok(AccessToken::new(Secret::from("t"), Duration::from_secs(3600)))
        };
        cache.get_or_fetch("T1", "arm", fetch).await.unwrap();
        cache.get_or_fetch("t1", "arm", fetch).await.unwrap();
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        cache.get_or_fetch("T1", "graph", fetch).await.unwrap();
        cache.get_or_fetch("T2", "arm", fetch).await.unwrap();
        assert_eq!(fetches.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_forgotten_token_is_fetched_again() {
        let cache = TokenCache::default();
        let fetches = AtomicU32::new(0);
        let fetch = || async {
            fetches.fetch_add(1, Ordering::SeqCst);
            Ok(AccessToken::new(Secret::from("t"), Duration::from_secs(3600)))
        };
        cache.get_or_fetch("T1", "arm", fetch).await.unwrap();
        cache.forget("t1", "arm");
        cache.get_or_fetch("T1", "arm", fetch).await.unwrap();
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_failed_fetch_is_not_cached() {
        let cache = TokenCache::default();
        let r =
            cache.get_or_fetch("T", "s", || async { Err(crate::error::AzureError::Transport("down".into())) }).await;
        assert!(r.is_err());
        let ok = cache
            .get_or_fetch("T", "s", || async { Ok(AccessToken::new(Secret::from("t"), Duration::from_secs(3600))) })
            .await;
        assert!(ok.is_ok());
    }
}

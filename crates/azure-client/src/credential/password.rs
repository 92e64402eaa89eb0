//! A user signing in with name and password (the OAuth password grant, as `az login -u -p` does).
//! For automation and the emulator; real tenants with MFA refuse it.

use super::cache::TokenCache;
use super::token_request::{request_token, token_url};
use super::{AccessToken, BoxFuture, TokenCredential};
use crate::endpoints::Endpoints;
use crate::error::Result;
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use url::Url;

/// The Azure CLI's public client id, which every tenant accepts for user sign-in.
pub const AZURE_CLI_CLIENT_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

pub struct UsernamePasswordCredential {
    client_id: String,
    username: String,
    password: Secret,
    login: Url,
    http: reqwest::Client,
    retry: RetryPolicy,
    cache: TokenCache,
}

impl UsernamePasswordCredential {
    /// Signs in through the Azure CLI's public client id.
    pub fn new(endpoints: &Endpoints, username: impl Into<String>, password: impl Into<Secret>) -> Result<Self> {
        Ok(UsernamePasswordCredential {
            client_id: AZURE_CLI_CLIENT_ID.into(),
            username: username.into(),
            password: password.into(),
            login: endpoints.login.clone(),
            http: endpoints.http_client()?,
            retry: RetryPolicy::default(),
            cache: TokenCache::default(),
        })
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    async fn fetch(&self, tenant: &str, scope: &str) -> Result<AccessToken> {
        let form = [
            ("grant_type", "password"),
            ("client_id", self.client_id.as_str()),
            ("username", self.username.as_str()),
            ("password", self.password.expose()),
            ("scope", scope),
        ];
        request_token(&self.http, &self.retry, token_url(&self.login, tenant)?, &form).await
    }
}

impl TokenCredential for UsernamePasswordCredential {
    fn token<'a>(&'a self, tenant: &'a str, scope: &'a str) -> BoxFuture<'a, Result<AccessToken>> {
        Box::pin(self.cache.get_or_fetch(tenant, scope, || self.fetch(tenant, scope)))
    }
    fn forget(&self, tenant: &str, scope: &str) {
        self.cache.forget(tenant, scope)
    }
}

impl std::fmt::Debug for UsernamePasswordCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsernamePasswordCredential").field("username", &self.username).finish_non_exhaustive()
    }
}

//! An application signing in with a client secret (`client_credentials`): the control plane as A_P,
//! and the customer's A_C.

use super::cache::TokenCache;
use super::token_request::{request_token, token_url};
use super::{AccessToken, BoxFuture, TokenCredential};
use crate::endpoints::Endpoints;
use crate::error::Result;
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use url::Url;

pub struct ClientSecretCredential {
    client_id: String,
    secret: Secret,
    login: Url,
    http: reqwest::Client,
    retry: RetryPolicy,
    cache: TokenCache,
}

impl ClientSecretCredential {
    pub fn new(endpoints: &Endpoints, client_id: impl Into<String>, secret: impl Into<Secret>) -> Result<Self> {
        Ok(ClientSecretCredential {
            client_id: client_id.into(),
            secret: secret.into(),
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

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    async fn fetch(&self, tenant: &str, scope: &str) -> Result<AccessToken> {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.secret.expose()),
            ("scope", scope),
        ];
        request_token(&self.http, &self.retry, token_url(&self.login, tenant)?, &form).await
    }
}

impl TokenCredential for ClientSecretCredential {
    fn token<'a>(&'a self, tenant: &'a str, scope: &'a str) -> BoxFuture<'a, Result<AccessToken>> {
        Box::pin(self.cache.get_or_fetch(tenant, scope, || self.fetch(tenant, scope)))
    }
    fn forget(&self, tenant: &str, scope: &str) {
        self.cache.forget(tenant, scope)
    }
}

impl std::fmt::Debug for ClientSecretCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientSecretCredential").field("client_id", &self.client_id).finish_non_exhaustive()
    }
}

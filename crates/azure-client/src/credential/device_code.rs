//! A person signing in on another device (the OAuth device-code grant, as `az login
//! --use-device-code` does): ask for a code, show its message, poll until they have signed in, then
//! keep the refresh token and redeem it for a token per (tenant, scope).

use super::cache::TokenCache;
use super::password::AZURE_CLI_CLIENT_ID;
use super::token_request::token_url;
use super::{AccessToken, BoxFuture, TokenCredential};
use crate::endpoints::Endpoints;
use crate::error::{AzureError, Result};
use crate::http::{self, Service};
use crate::retry::{Idempotency, RetryPolicy};
use crate::secret::Secret;
use serde::Deserialize;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use url::Url;

/// What to show the person: open `verification_uri`, enter `user_code`. `message` says both.
#[derive(Debug, Clone)]
pub struct DeviceCodePrompt {
    pub user_code: String,
    pub verification_uri: String,
    pub message: String,
    pub expires_in: Duration,
}

pub struct DeviceCodeCredential {
    client_id: String,
    login: Url,
    http: reqwest::Client,
    retry: RetryPolicy,
    cache: TokenCache,
    /// Entra ID may hand out a new refresh token with each use; the newest is kept.
    refresh: Mutex<Secret>,
    home_tenant: String,
    username: Option<String>,
}

#[derive(Deserialize)]
struct CodeResponse {
    device_code: String,
    user_code: String,
    verification_uri: String,
    #[serde(default)]
    message: String,
    #[serde(default = "default_expiry")]
    expires_in: u64,
    #[serde(default = "default_interval")]
    interval: u64,
}

fn default_expiry() -> u64 {
    900
}

fn default_interval() -> u64 {
    5
}

/// The user grants' answer: the access token, the refresh token and the id token naming the user.
#[derive(Deserialize)]
struct UserTokens {
    access_token: String,
    expires_in: serde_json::Value,
    refresh_token: Option<String>,
    id_token: Option<String>,
}

impl UserTokens {
    fn access(&self) -> Result<AccessToken> {
        let secs = match &self.expires_in {
            serde_json::Value::Number(n) => n.as_u64(),
            serde_json::Value::String(s) => s.parse().ok(),
            _ => None,
        }
        .ok_or_else(|| invalid(format!("expires_in is not a number: {}", self.expires_in)))?;
        Ok(AccessToken::new(Secret::new(self.access_token.clone()), Duration::from_secs(secs)))
    }
}

#[derive(Deserialize)]
struct IdClaims {
    tid: String,
    preferred_username: Option<String>,
    upn: Option<String>,
}

fn invalid(detail: String) -> AzureError {
    AzureError::InvalidResponse { service: Service::Aad.name(), detail }
}

impl DeviceCodeCredential {
    /// Starts a sign-in through the Azure CLI's public client id, for `scope` (normally
    /// `endpoints.arm_scope`), calls `show` with what the person must do, and returns once they have
    /// signed in (or the code expired).
    pub async fn sign_in(endpoints: &Endpoints, scope: &str, show: impl FnOnce(&DeviceCodePrompt)) -> Result<Self> {
        let http = endpoints.http_client()?;
        let retry = RetryPolicy::default();
        let base = endpoints.login.as_str().trim_end_matches('/');
        let code_url = Url::parse(&format!("{base}/organizations/oauth2/v2.0/devicecode"))
            .map_err(|e| AzureError::Config(e.to_string()))?;
        let full_scope = format!("{scope} offline_access openid profile");
        let form = [("client_id", AZURE_CLI_CLIENT_ID), ("scope", full_scope.as_str())];
        let reply =
            http::send(&retry, Idempotency::CreatesOnce, Service::Aad, || http.post(code_url.clone()).form(&form))
                .await?;
        let code: CodeResponse = reply.json(Service::Aad)?;
        let prompt = DeviceCodePrompt {
            message: if code.message.is_empty() {
                format!("To sign in, open {} and enter the code {}.", code.verification_uri, code.user_code)
            } else {
                code.message.clone()
            },
            user_code: code.user_code,
            verification_uri: code.verification_uri,
            expires_in: Duration::from_secs(code.expires_in),
        };
        show(&prompt);
        let tokens = poll(&http, &retry, &endpoints.login, &code.device_code, code.interval, prompt.expires_in).await?;
        let refresh = tokens
            .refresh_token
            .clone()
            .ok_or_else(|| invalid("the device-code answer has no refresh_token".into()))?;
        let id_token =
            tokens.id_token.as_deref().ok_or_else(|| invalid("the device-code answer has no id_token".into()))?;
        let claims: IdClaims = jwt_claims(id_token)?;
        let cred = DeviceCodeCredential {
            client_id: AZURE_CLI_CLIENT_ID.into(),
            login: endpoints.login.clone(),
            http,
            retry,
            cache: TokenCache::default(),
            refresh: Mutex::new(Secret::new(refresh)),
            home_tenant: claims.tid.clone(),
            username: claims.preferred_username.or(claims.upn),
        };
        // The first access token is for `scope` in the home tenant: keep it.
        let first = tokens.access()?;
        cred.cache.get_or_fetch(&claims.tid, scope, || async { Ok(first) }).await?;
        Ok(cred)
    }

    /// Resumes an earlier sign-in from its refresh token (as `az` does from its token cache):
    /// redeems it once for `scope` in `home_tenant`, so a revoked or expired one fails here, before
    /// anything relies on it.
    pub async fn resume(
        endpoints: &Endpoints,
        scope: &str,
        home_tenant: &str,
        username: Option<String>,
        refresh_token: Secret,
    ) -> Result<Self> {
        let cred = DeviceCodeCredential {
            client_id: AZURE_CLI_CLIENT_ID.into(),
            login: endpoints.login.clone(),
            http: endpoints.http_client()?,
            retry: RetryPolicy::default(),
            cache: TokenCache::default(),
            refresh: Mutex::new(refresh_token),
            home_tenant: home_tenant.to_string(),
            username,
        };
        cred.cache.get_or_fetch(home_tenant, scope, || cred.fetch(home_tenant, scope)).await?;
        Ok(cred)
    }

    /// The newest refresh token, to keep for the next run (it is a credential: store it private).
    pub fn refresh_token(&self) -> Secret {
        self.refresh.lock().expect("refresh token lock").clone()
    }

    /// The tenant the person belongs to (the id token's `tid`).
    pub fn home_tenant(&self) -> &str {
        &self.home_tenant
    }

    /// Their sign-in name, when the id token carries one.
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }

    async fn fetch(&self, tenant: &str, scope: &str) -> Result<AccessToken> {
        let refresh = self.refresh.lock().expect("refresh token lock").clone();
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", self.client_id.as_str()),
            ("refresh_token", refresh.expose()),
            ("scope", scope),
        ];
        let url = token_url(&self.login, tenant)?;
        let reply =
            http::send(&self.retry, Idempotency::Idempotent, Service::Aad, || self.http.post(url.clone()).form(&form))
                .await?;
        let tokens: UserTokens = reply.json(Service::Aad)?;
        if let Some(r) = tokens.refresh_token.clone() {
            *self.refresh.lock().expect("refresh token lock") = Secret::new(r);
        }
        tokens.access()
    }
}

/// Polls the token endpoint every `interval` seconds while the person has not signed in yet.
async fn poll(
    http: &reqwest::Client,
    retry: &RetryPolicy,
    login: &Url,
    device_code: &str,
    interval: u64,
    expires_in: Duration,
) -> Result<UserTokens> {
    let url = token_url(login, "organizations")?;
    let form = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("client_id", AZURE_CLI_CLIENT_ID),
        ("device_code", device_code),
    ];
    let deadline = Instant::now() + expires_in;
    let mut wait = Duration::from_secs(interval.max(1));
    loop {
        tokio::time::sleep(wait).await;
        match http::send(retry, Idempotency::Idempotent, Service::Aad, || http.post(url.clone()).form(&form)).await {
            Ok(reply) => return reply.json(Service::Aad),
            Err(e) if e.service_code() == Some("authorization_pending") && Instant::now() < deadline => {}
            Err(e) if e.service_code() == Some("slow_down") && Instant::now() < deadline => {
                wait += Duration::from_secs(5);
            }
            Err(e) => return Err(e),
        }
    }
}

/// The claims of a JWT, read without checking its signature: the id token comes straight from
/// the token endpoint over TLS, and is only used to learn the person's tenant and name.
fn jwt_claims<T: serde::de::DeserializeOwned>(jwt: &str) -> Result<T> {
    let payload = jwt.split('.').nth(1).ok_or_else(|| invalid("the id token is not a JWT".into()))?;
    let bytes = base64url_decode(payload).ok_or_else(|| invalid("the id token is not base64url".into()))?;
    serde_json::from_slice(&bytes).map_err(|e| invalid(format!("id token claims: {e}")))
}

/// Unpadded (or padded) base64url, as JWT segments are.
fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()
}

impl TokenCredential for DeviceCodeCredential {
    fn token<'a>(&'a self, tenant: &'a str, scope: &'a str) -> BoxFuture<'a, Result<AccessToken>> {
        Box::pin(self.cache.get_or_fetch(tenant, scope, || self.fetch(tenant, scope)))
    }
    fn forget(&self, tenant: &str, scope: &str) {
        self.cache.forget(tenant, scope)
    }
}

impl std::fmt::Debug for DeviceCodeCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceCodeCredential")
            .field("home_tenant", &self.home_tenant)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_base64url() {
        assert_eq!(base64url_decode("eyJ0aWQiOiJUIn0").unwrap(), br#"{"tid":"T"}"#);
        assert_eq!(base64url_decode("aGk").unwrap(), b"hi");
        assert_eq!(base64url_decode("aGk=").unwrap(), b"hi");
        assert!(base64url_decode("a b").is_none());
    }

    #[test]
    fn reads_the_tenant_from_an_id_token() {
        let c: IdClaims = jwt_claims("x.eyJ0aWQiOiJUIiwicHJlZmVycmVkX3VzZXJuYW1lIjoiYUBiIn0.sig").unwrap();
        assert_eq!((c.tid.as_str(), c.preferred_username.as_deref()), ("T", Some("a@b")));
    }
}

//! The OAuth 2.0 token endpoint: POST a form to `{login}/{tenant}/oauth2/v2.0/token`, parse the
//! token or Entra ID's error.

use super::AccessToken;
use crate::error::{AzureError, Result};
use crate::http::{self, Service};
use crate::retry::{Idempotency, RetryPolicy};
use crate::secret::Secret;
use serde::Deserialize;
use std::time::Duration;
use url::Url;

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    /// Seconds; v1 endpoints and some proxies send it as a string.
    expires_in: NumberOrString,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrString {
    Number(u64),
    String(String),
}

pub(crate) fn token_url(login: &Url, tenant: &str) -> Result<Url> {
    if tenant.is_empty() || tenant.contains(['/', '?', '#']) {
        return Err(AzureError::Config(format!("not a tenant id or domain: {tenant:?}")));
    }
    let base = login.as_str().trim_end_matches('/');
    Url::parse(&format!("{base}/{tenant}/oauth2/v2.0/token")).map_err(|e| AzureError::Config(e.to_string()))
}

/// Posts the grant. The form holds secrets, so neither it nor the answer is ever logged.
pub(crate) async fn request_token(
    http: &reqwest::Client,
    policy: &RetryPolicy,
    url: Url,
    form: &[(&str, &str)],
) -> Result<AccessToken> {
    let reply = http::send(policy, Idempotency::Idempotent, Service::Aad, || http.post(url.clone()).form(form)).await?;
    let t: TokenResponse = reply.json(Service::Aad)?;
    let secs = match t.expires_in {
        NumberOrString::Number(n) => n,
        NumberOrString::String(s) => s.parse().map_err(|_| AzureError::InvalidResponse {
            service: Service::Aad.name(),
            detail: format!("expires_in is not a number: {s:?}"),
        })?,
    };
    Ok(AccessToken::new(Secret::new(t.access_token), Duration::from_secs(secs)))
}

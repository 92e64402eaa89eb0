//! Microsoft Graph: the directory objects the provider and `azure connect` manage (applications,
//! their passwords, service principals), in the tenant of each call.

mod application_lookup;
mod applications;
mod service_principals;
mod types;

pub use types::{AddedPassword, Application, PasswordCredential, ServicePrincipal};

use crate::credential::TokenCredential;
use crate::endpoints::Endpoints;
use crate::error::{AzureError, Result};
use crate::http::{self, Reply, Service};
use crate::retry::{Idempotency, RetryPolicy};
use crate::url_util;
use reqwest::header::{HeaderValue, AUTHORIZATION};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::sync::Arc;
use url::Url;

pub struct GraphClient {
    base: Url,
    scope: String,
    http: reqwest::Client,
    credential: Arc<dyn TokenCredential>,
    retry: RetryPolicy,
}

#[derive(Deserialize)]
struct Collection<T> {
    #[serde(default = "Vec::new")]
    value: Vec<T>,
}

impl GraphClient {
    pub fn new(endpoints: &Endpoints, credential: Arc<dyn TokenCredential>) -> Result<Self> {
        Ok(GraphClient {
            base: endpoints.graph.clone(),
            scope: endpoints.graph_scope.clone(),
            http: endpoints.http_client()?,
            credential,
            retry: RetryPolicy::default(),
        })
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// One call to `{graph}/{path}` with a token for `tenant`; non-2xx answers are `AzureError::Graph`.
    async fn call(
        &self,
        tenant: &str,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&serde_json::Value>,
        idempotency: Idempotency,
    ) -> Result<Reply> {
        let url = url_util::build(&self.base, path, query)?;
        let token = self.credential.token(tenant, &self.scope).await?;
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", token.secret().expose())).map_err(|_| {
            AzureError::InvalidResponse { service: "Entra ID", detail: "token is not a header value".into() }
        })?;
        auth.set_sensitive(true);
        http::send(&self.retry, idempotency, Service::Graph, || {
            let rb = self.http.request(method.clone(), url.clone()).header(AUTHORIZATION, auth.clone());
            match body {
                Some(b) => rb.json(b),
                None => rb,
            }
        })
        .await
    }

    /// The first object of a filtered collection, if any.
    async fn find_one<T: DeserializeOwned>(&self, tenant: &str, path: &str, filter: &str) -> Result<Option<T>> {
        let reply = self.call(tenant, Method::GET, path, &[("$filter", filter)], None, Idempotency::Idempotent).await?;
        let c: Collection<T> = reply.json(Service::Graph)?;
        Ok(c.value.into_iter().next())
    }
}

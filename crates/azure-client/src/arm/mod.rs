//! Azure Resource Manager: authenticated JSON calls (primary plus auxiliary tenants), retries,
//! paging and long-running operations, and the typed operations the reconciler needs.

mod authorization;
mod authorization_types;
mod background;
mod lro;
mod network;
mod network_interfaces;
mod network_types;
mod subscriptions;
mod tenants;

pub use authorization::AUTHORIZATION_API_VERSION;
pub use authorization_types::{Permission, PrincipalType, RoleAssignment, RoleDefinition, RoleDefinitionSpec};
pub use background::BackgroundArm;
pub use lro::PollPolicy;
pub use network::NETWORK_API_VERSION;
pub use network_interfaces::NetworkInterface;
pub use network_types::{Peering, PeeringState, Subnet, VirtualNetwork};
pub use subscriptions::{Subscription, SUBSCRIPTIONS_API_VERSION};
pub use tenants::Tenants;

use crate::budget::{Priority, RequestBudget, Target};
use crate::credential::TokenCredential;
use crate::endpoints::Endpoints;
use crate::error::{AzureError, Result};
use crate::http::{self, Reply, Service};
use crate::retry::{self, Idempotency, RetryPolicy};
use crate::url_util;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use url::Url;

/// At most this many pages are followed for one list, so a looping `nextLink` cannot hang us.
const MAX_PAGES: usize = 200;

/// An ARM client for one identity; the tenant of each call is chosen per call. Clones share the
/// connection pool, the credential and the request budget.
#[derive(Clone)]
pub struct ArmClient {
    base: Url,
    scope: String,
    http: reqwest::Client,
    credential: Arc<dyn TokenCredential>,
    retry: RetryPolicy,
    polling: PollPolicy,
    budget: Arc<RequestBudget>,
    /// Background only for the view `background()` returns, whose calls are all reads.
    priority: Priority,
}

impl ArmClient {
    pub fn new(endpoints: &Endpoints, credential: Arc<dyn TokenCredential>) -> Result<Self> {
        Ok(ArmClient {
            base: endpoints.arm.clone(),
            scope: endpoints.arm_scope.clone(),
            http: endpoints.http_client()?,
            credential,
            retry: RetryPolicy::default(),
            polling: PollPolicy::default(),
            budget: Arc::new(RequestBudget::default()),
            priority: Priority::Foreground,
        })
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn with_polling(mut self, polling: PollPolicy) -> Self {
        self.polling = polling;
        self
    }

    /// Spends from `budget` instead of a budget of its own, e.g. one shared by every client of the
    /// same principal.
    pub fn with_budget(mut self, budget: Arc<RequestBudget>) -> Self {
        self.budget = budget;
        self
    }

    /// The request budget every ARM attempt of this client and its clones draws on.
    pub fn budget(&self) -> &Arc<RequestBudget> {
        &self.budget
    }

    /// The same client issuing background reads (periodic sweeps), which leave the budget's reserve
    /// to foreground work.
    pub fn background(&self) -> BackgroundArm {
        BackgroundArm::new(ArmClient { priority: Priority::Background, ..self.clone() })
    }

    /// GET `path` (a resource id or any ARM path) and parse the JSON answer.
    pub async fn get<T: DeserializeOwned>(
        &self,
        tenants: &Tenants,
        path: &str,
        api_version: &str,
        query: &[(&str, &str)],
    ) -> Result<T> {
        let url = self.url(path, api_version, query)?;
        self.exchange(Method::GET, url, tenants, None).await?.json(Service::Arm)
    }

    /// PUT `body` to `path`; when ARM starts a long-running operation, waits for it and returns
    /// the resource as it is afterwards.
    pub async fn put<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        tenants: &Tenants,
        path: &str,
        api_version: &str,
        body: &B,
    ) -> Result<T> {
        let url = self.url(path, api_version, &[])?;
        let bytes = serde_json::to_vec(body).map_err(|e| AzureError::Config(format!("request body: {e}")))?;
        let started = self.exchange(Method::PUT, url.clone(), tenants, Some(&bytes)).await?;
        if self.await_operation(tenants, &started).await? {
            self.exchange(Method::GET, url, tenants, None).await?.json(Service::Arm)
        } else {
            started.json(Service::Arm)
        }
    }

    /// DELETE `path`, waiting for a long-running delete. `Ok(false)` when there was nothing to
    /// delete (204, or a 404 for the resource or its group), so deletes are idempotent.
    pub async fn delete(&self, tenants: &Tenants, path: &str, api_version: &str) -> Result<bool> {
        let url = self.url(path, api_version, &[])?;
        match self.exchange(Method::DELETE, url, tenants, None).await {
            Ok(r) if r.status == 204 => Ok(false),
            Ok(r) => {
                self.await_operation(tenants, &r).await?;
                Ok(true)
            }
            Err(e) if is_missing(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// GET that reads a 404 for the resource or its resource group as `None`.
    pub(crate) async fn get_optional<T: DeserializeOwned>(
        &self,
        tenants: &Tenants,
        path: &str,
        api_version: &str,
    ) -> Result<Option<T>> {
        match self.get(tenants, path, api_version, &[]).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if is_missing(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// GET a collection, following `nextLink`.
    pub(crate) async fn list<T: DeserializeOwned>(
        &self,
        tenants: &Tenants,
        path: &str,
        api_version: &str,
        query: &[(&str, &str)],
    ) -> Result<Vec<T>> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Page<T> {
            #[serde(default = "Vec::new")]
            value: Vec<T>,
            next_link: Option<String>,
        }
        let mut out = Vec::new();
        let mut url = self.url(path, api_version, query)?;
        for _ in 0..MAX_PAGES {
            let page: Page<T> = self.exchange(Method::GET, url, tenants, None).await?.json(Service::Arm)?;
            out.extend(page.value);
            match page.next_link.filter(|l| !l.is_empty()) {
                Some(next) => url = self.link(&next)?,
                None => return Ok(out),
            }
        }
        Err(AzureError::InvalidResponse { service: "ARM", detail: format!("more than {MAX_PAGES} pages at {path}") })
    }

    fn url(&self, path: &str, api_version: &str, query: &[(&str, &str)]) -> Result<Url> {
        let mut q = vec![("api-version", api_version)];
        q.extend_from_slice(query);
        url_util::build(&self.base, path, &q)
    }

    /// A URL ARM handed back (nextLink, Azure-AsyncOperation): only followed on ARM's own origin,
    /// since it gets our tokens.
    fn link(&self, raw: &str) -> Result<Url> {
        let url = Url::parse(raw)
            .map_err(|e| AzureError::InvalidResponse { service: "ARM", detail: format!("bad link {raw}: {e}") })?;
        if !url_util::same_origin(&url, &self.base) {
            return Err(AzureError::InvalidResponse {
                service: "ARM",
                detail: format!("link to another origin: {raw}"),
            });
        }
        Ok(url)
    }

    /// `Authorization` for the primary tenant and `x-ms-authorization-auxiliary` for the others.
    async fn auth_headers(&self, tenants: &Tenants) -> Result<HeaderMap> {
        let mut h = HeaderMap::new();
        let primary = self.credential.token(tenants.primary(), &self.scope).await?;
        h.insert(AUTHORIZATION, bearer(&format!("Bearer {}", primary.secret().expose()))?);
        if !tenants.auxiliary().is_empty() {
            let mut values = Vec::new();
            for t in tenants.auxiliary() {
                values.push(format!("Bearer {}", self.credential.token(t, &self.scope).await?.secret().expose()));
            }
            h.insert("x-ms-authorization-auxiliary", bearer(&values.join(", "))?);
        }
        Ok(h)
    }

    /// One authenticated request with retries; non-2xx answers come back as `AzureError::Arm`. A
    /// token ARM rejects is fetched anew once, not retried as it was.
    async fn exchange(&self, method: Method, url: Url, tenants: &Tenants, body: Option<&[u8]>) -> Result<Reply> {
        match self.exchange_once(method.clone(), url.clone(), tenants, body).await {
            Err(e) if e.is_rejected_token() => {
                for t in std::iter::once(tenants.primary()).chain(tenants.auxiliary().iter().map(String::as_str)) {
                    self.credential.forget(t, &self.scope);
                }
                self.exchange_once(method, url, tenants, body).await
            }
            other => other,
        }
    }

    /// Every attempt, retries included, first waits for a token of the request's bucket, and its
    /// answer then corrects the bucket.
    async fn exchange_once(&self, method: Method, url: Url, tenants: &Tenants, body: Option<&[u8]>) -> Result<Reply> {
        let headers = self.auth_headers(tenants).await?;
        let target = Target::of(&method, &url);
        // PUT and DELETE are idempotent in ARM, so every verb may be repeated.
        retry::run(&self.retry, Idempotency::Idempotent, || async {
            let mut rb = self.http.request(method.clone(), url.clone()).headers(headers.clone());
            if let Some(b) = body {
                rb = rb.header(CONTENT_TYPE, "application/json").body(b.to_vec());
            }
            let granted = self.budget.admit(&target, self.priority).await;
            let reply = http::fetch(Service::Arm, rb).await?;
            self.budget.observe(&target, granted, reply.status, &reply.headers);
            reply.checked(Service::Arm)
        })
        .await
    }
}

fn bearer(value: &str) -> Result<HeaderValue> {
    let mut v = HeaderValue::from_str(value).map_err(|_| AzureError::InvalidResponse {
        service: "Entra ID",
        detail: "token is not a header value".into(),
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// The 404s that mean "it is not there", as opposed to a wrong URL or api-version (`NotFound` is
/// the network provider's answer for a missing subnet or peering).
fn is_missing(e: &AzureError) -> bool {
    e.is_not_found()
        && (e.is_arm_code("ResourceNotFound") || e.is_arm_code("ResourceGroupNotFound") || e.is_arm_code("NotFound"))
}

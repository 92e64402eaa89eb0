//! One HTTP exchange with retries: build the request afresh per attempt, read the whole answer,
//! and turn a non-2xx answer into the service's error.

use crate::error::{AzureError, Result};
use crate::error_body;
use crate::retry::{self, Failure, Idempotency, RetryPolicy};
use reqwest::header::HeaderMap;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Service {
    Arm,
    Graph,
    Aad,
}

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Service::Arm => "ARM",
            Service::Graph => "Graph",
            Service::Aad => "Entra ID",
        }
    }

    fn error(self, status: u16, body: &[u8]) -> AzureError {
        match self {
            Service::Arm => error_body::arm(status, body),
            Service::Graph => error_body::graph(status, body),
            Service::Aad => error_body::aad(status, body),
        }
    }
}

/// An answer, read in full. `send` only returns 2xx ones; `fetch` returns any.
pub(crate) struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json<T: serde::de::DeserializeOwned>(&self, service: Service) -> Result<T> {
        serde_json::from_slice(&self.body)
            .map_err(|e| AzureError::InvalidResponse { service: service.name(), detail: e.to_string() })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// A non-2xx answer becomes the service's error, keeping its `Retry-After`.
    pub fn checked(self, service: Service) -> std::result::Result<Reply, Failure> {
        if (200..300).contains(&self.status) {
            Ok(self)
        } else {
            Err(Failure {
                error: service.error(self.status, &self.body),
                retry_after: retry::retry_after(&self.headers),
            })
        }
    }
}

/// One attempt: the whole answer whatever its status, or the transport failure.
pub(crate) async fn fetch(service: Service, request: reqwest::RequestBuilder) -> std::result::Result<Reply, Failure> {
    let resp = request.send().await.map_err(|e| Failure::from(AzureError::from(e)))?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    tracing::debug!(service = service.name(), url = %resp.url(), status, "Azure call");
    let body = resp.bytes().await.map_err(|e| Failure::from(AzureError::from(e)))?.to_vec();
    Ok(Reply { status, headers, body })
}

/// Sends what `build` makes, retrying per `policy`. `build` runs once per attempt because a
/// `reqwest::RequestBuilder` cannot be reused.
pub(crate) async fn send(
    policy: &RetryPolicy,
    idempotency: Idempotency,
    service: Service,
    build: impl Fn() -> reqwest::RequestBuilder,
) -> Result<Reply> {
    retry::run(policy, idempotency, || async { fetch(service, build()).await?.checked(service) }).await
}

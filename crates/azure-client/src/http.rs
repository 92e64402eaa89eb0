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

/// A successful (2xx) answer, read in full.
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
}

/// Sends what `build` makes, retrying per `policy`. `build` runs once per attempt because a
/// `reqwest::RequestBuilder` cannot be reused.
pub(crate) async fn send(
    policy: &RetryPolicy,
    idempotency: Idempotency,
    service: Service,
    build: impl Fn() -> reqwest::RequestBuilder,
) -> Result<Reply> {
    retry::run(policy, idempotency, || async {
        let resp = build().send().await.map_err(|e| Failure::from(AzureError::from(e)))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        tracing::debug!(service = service.name(), url = %resp.url(), status, "Azure call");
        let body = resp.bytes().await.map_err(|e| Failure::from(AzureError::from(e)))?.to_vec();
        if (200..300).contains(&status) {
            Ok(Reply { status, headers, body })
        } else {
            Err(Failure { error: service.error(status, &body), retry_after: retry::retry_after(&headers) })
        }
    })
    .await
}

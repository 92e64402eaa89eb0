//! Error envelopes: the same `EmulatorError` rendered as ARM, Graph or AAD would render it.

use crate::error::EmulatorError;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Arm,
    Graph,
    Aad,
}

#[derive(Debug)]
pub struct ApiError {
    pub flavor: Flavor,
    pub error: EmulatorError,
}

impl ApiError {
    pub fn arm(error: EmulatorError) -> Self {
        ApiError { flavor: Flavor::Arm, error }
    }
    pub fn graph(error: EmulatorError) -> Self {
        ApiError { flavor: Flavor::Graph, error }
    }
    pub fn aad(error: EmulatorError) -> Self {
        ApiError { flavor: Flavor::Aad, error }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Tags a model result with the envelope its route answers in.
pub trait WithFlavor<T> {
    fn arm(self) -> ApiResult<T>;
    fn graph(self) -> ApiResult<T>;
    fn aad(self) -> ApiResult<T>;
}

impl<T> WithFlavor<T> for crate::error::Result<T> {
    fn arm(self) -> ApiResult<T> {
        self.map_err(ApiError::arm)
    }
    fn graph(self) -> ApiResult<T> {
        self.map_err(ApiError::graph)
    }
    fn aad(self) -> ApiResult<T> {
        self.map_err(ApiError::aad)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = &self.error;
        let status = StatusCode::from_u16(super::status::of(e)).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::error!(code = e.code(), error = %e, "request failed");
        }
        let now = chrono::Utc::now();
        let request_id = Uuid::new_v4().to_string();
        let body = match self.flavor {
            Flavor::Arm => json!({ "error": { "code": e.code(), "message": e.to_string() } }),
            Flavor::Graph => json!({ "error": {
                "code": e.code(),
                "message": e.to_string(),
                "innerError": { "date": now.format("%Y-%m-%dT%H:%M:%S").to_string(), "request-id": request_id, "client-request-id": request_id }
            }}),
            Flavor::Aad => {
                let ts = now.format("%Y-%m-%d %H:%M:%SZ").to_string();
                let trace = Uuid::new_v4();
                let number = e.aad_error_number();
                let mut description = e.to_string();
                if number.is_some() {
                    description =
                        format!("{description} Trace ID: {trace} Correlation ID: {request_id} Timestamp: {ts}");
                }
                json!({
                    "error": e.code(),
                    "error_description": description,
                    "error_codes": number.map(|n| vec![n]).unwrap_or_default(),
                    "timestamp": ts,
                    "trace_id": trace,
                    "correlation_id": request_id,
                    "error_uri": number.map(|n| format!("https://login.microsoftonline.com/error?code={n}")),
                })
            }
        };
        let mut resp = (status, Json(body)).into_response();
        let headers = resp.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            headers.insert("x-ms-request-id", v);
        }
        match e {
            EmulatorError::Throttled { retry_after, .. } => {
                headers.insert("retry-after", HeaderValue::from(*retry_after));
            }
            EmulatorError::WrongTokenTenant { subscription_tenant, .. } => {
                let v = format!(
                    "Bearer authorization_uri=\"https://login.windows.net/{subscription_tenant}\", error=\"invalid_token\", error_description=\"The access token is from the wrong issuer.\""
                );
                if let Ok(v) = HeaderValue::from_str(&v) {
                    headers.insert("www-authenticate", v);
                }
            }
            _ => {}
        }
        resp
    }
}

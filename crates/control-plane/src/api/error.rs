//! Aiven's error shape: `{"message": …, "errors": [{"message": …, "status": …}]}`.

use crate::error::ControlPlaneError;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

pub struct ApiError(pub ControlPlaneError);

impl From<ControlPlaneError> for ApiError {
    fn from(e: ControlPlaneError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::error!(code = self.0.code(), error = %self.0, "request failed");
        }
        let message = self.0.to_string();
        let mut error = json!({"message": message, "status": status.as_u16(), "error_code": self.0.code()});
        if let ControlPlaneError::Invalid { field, .. } = &self.0 {
            error["field"] = json!(field);
        }
        (status, Json(json!({"message": message, "errors": [error]}))).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

pub async fn not_found(uri: Uri) -> ApiError {
    ApiError(ControlPlaneError::NoRoute(uri.path().to_string()))
}

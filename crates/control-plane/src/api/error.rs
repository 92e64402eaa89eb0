//! Aiven's error shape, `control_plane_api::ErrorOut`, for every failure.

use crate::error::ControlPlaneError;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use control_plane_api::ErrorOut;

pub struct ApiError(pub ControlPlaneError);

impl From<ControlPlaneError> for ApiError {
    fn from(e: ControlPlaneError) -> Self {
        ApiError(e)
    }
}

/// The body an error answers with.
pub fn body(e: &ControlPlaneError) -> ErrorOut {
    let field = match e {
        ControlPlaneError::Invalid { field, .. } => Some(field.clone()),
        _ => None,
    };
    ErrorOut::new(e.to_string(), e.status(), e.code(), field)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::error!(code = self.0.code(), error = %self.0, "request failed");
        }
        (status, Json(body(&self.0))).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

pub async fn not_found(uri: Uri) -> ApiError {
    ApiError(ControlPlaneError::NoRoute(uri.path().to_string()))
}

//! JSON bodies: size-capped, strictly parsed, failing in Aiven's shape before anything is stored.

use super::error::ApiError;
use super::BODY_LIMIT;
use crate::error::ControlPlaneError;
use axum::body::Body;
use serde::de::DeserializeOwned;

pub async fn json<T: DeserializeOwned>(body: Body) -> Result<T, ApiError> {
    let bytes =
        axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| ApiError(ControlPlaneError::TooLarge(BODY_LIMIT)))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError(ControlPlaneError::BadJson("the request needs a JSON object body".into())));
    }
    serde_json::from_slice(&bytes).map_err(|e| ApiError(ControlPlaneError::BadJson(e.to_string())))
}

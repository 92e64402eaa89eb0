//! Extractors that fail in Aiven's error shape: path parameters and strict JSON bodies.

use super::error::ApiError;
use super::BODY_LIMIT;
use crate::error::ControlPlaneError;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// Path parameters, percent-decoded after splitting on `/` (so a name may hold an encoded `/`).
pub struct PathOf<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathOf<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(t)) => Ok(PathOf(t)),
            Err(e) => Err(ApiError(ControlPlaneError::Invalid {
                field: "path".into(),
                message: format!("the request path is not valid: {}", e.body_text()),
            })),
        }
    }
}

/// A JSON body: size-capped and strictly parsed, failing before anything is stored.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::to_bytes(req.into_body(), BODY_LIMIT)
            .await
            .map_err(|_| ApiError(ControlPlaneError::TooLarge(BODY_LIMIT)))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError(ControlPlaneError::BadJson("the request needs a JSON object body".into())));
        }
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| ApiError(ControlPlaneError::BadJson(e.to_string())))
    }
}

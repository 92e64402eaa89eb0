//! Request bodies: read with a size cap and parsed as JSON or forms, failing in the caller's envelope.

use super::envelope::{ApiError, ApiResult, Flavor};
use super::BODY_LIMIT;
use crate::error::EmulatorError;
use axum::body::Body;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

pub async fn read(body: Body, flavor: Flavor) -> ApiResult<axum::body::Bytes> {
    axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| ApiError { flavor, error: EmulatorError::RequestTooLarge(BODY_LIMIT) })
}

pub fn json<T: DeserializeOwned>(bytes: &[u8], flavor: Flavor) -> ApiResult<T> {
    let err = |msg: String| ApiError {
        flavor,
        error: match flavor {
            Flavor::Graph => EmulatorError::GraphBadRequest(msg),
            _ => EmulatorError::InvalidRequestContent(msg),
        },
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(err("Missing request content.".into()));
    }
    serde_json::from_slice(bytes).map_err(|e| err(e.to_string()))
}

pub fn form(bytes: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

//! `/_emulator/console`: a read-only page of the emulator's state for a developer whose step
//! failed. The page and its script are public and hold no data; the script reads
//! `GET /_emulator/state` with the admin key the developer types in, so the key guards the
//! data exactly as it does for `curl`.

use crate::authorization::builtin_roles::builtin_roles;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

/// Only this origin's files; no inline script.
const CSP: &str = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/_emulator/console", get(|| async { file("text/html; charset=utf-8", include_str!("state.html")) }))
        .route(
            "/_emulator/console/state.js",
            get(|| async { file("text/javascript; charset=utf-8", include_str!("state.js")) }),
        )
        .route(
            "/_emulator/console/state.css",
            get(|| async { file("text/css; charset=utf-8", include_str!("state.css")) }),
        )
        .route("/_emulator/console/builtin-roles.json", get(builtin_role_names))
}

fn file(content_type: &'static str, body: &'static str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    r
}

/// The built-in roles' names by id: public in Azure too, and not part of the exported state.
async fn builtin_role_names() -> Json<serde_json::Map<String, serde_json::Value>> {
    Json(builtin_roles().iter().map(|r| (r.id.to_string(), r.role_name.clone().into())).collect())
}

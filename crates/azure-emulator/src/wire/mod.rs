//! The HTTP face of the emulator: login (Entra ID), Graph under `/graph`, ARM, and the admin API,
//! all on one HTTPS origin. Formats follow `shared/reference/azure-wire.md`.

pub mod admin;
pub mod arm;
pub mod audiences;
pub mod auth;
pub mod body;
mod console;
pub mod envelope;
pub mod stats;
pub mod status;

use crate::clock::Clock;
use crate::persistence::Store;
use crate::throttle::Throttle;
use crate::tokens::Signer;
use axum::http::{HeaderMap, Uri};
use axum::routing::{any, get, post};
use axum::Router;
use std::collections::HashMap;
use std::sync::Arc;

/// Largest request body accepted, as ARM's 4 MB limit.
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;

pub struct AppState {
    pub store: Store,
    pub signer: Signer,
    pub clock: Clock,
    pub throttle: Throttle,
    /// SHA-256 of the admin key; the key itself is only printed at start.
    pub admin_key_hash: String,
    pub device_codes: crate::identity::wire::login::device::DeviceCodes,
    /// Authorization codes of the browser sign-in, until redeemed or expired.
    pub auth_codes: crate::identity::auth_codes::AuthCodes,
    /// Password checks off the async workers, with Entra's lockout.
    pub passwords: crate::identity::wire::login::passwords::PasswordGate,
    /// The token audiences served, fixed at start.
    pub audiences: audiences::Audiences,
    /// Requests answered, per service and status class.
    pub stats: stats::RequestStats,
}

pub type App = Arc<AppState>;

pub fn router(app: App) -> Router {
    Router::new()
        .route("/metadata/endpoints", get(crate::identity::wire::login::discovery::cloud_metadata))
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(crate::identity::wire::login::discovery::openid_configuration),
        )
        .route("/{tenant}/discovery/v2.0/keys", get(crate::identity::wire::login::discovery::jwks))
        .route("/{tenant}/oauth2/v2.0/token", post(crate::identity::wire::login::token::token))
        .route("/{tenant}/oauth2/v2.0/devicecode", post(crate::identity::wire::login::device::device_code))
        .route(
            "/{tenant}/oauth2/v2.0/authorize",
            get(crate::identity::wire::login::authorize::page).post(crate::identity::wire::login::authorize::submit),
        )
        .route("/common/userrealm/{upn}", get(crate::identity::wire::login::discovery::user_realm))
        .route(
            "/devicelogin",
            get(crate::identity::wire::login::device::sign_in_page)
                .post(crate::identity::wire::login::device::sign_in_submit),
        )
        .merge(console::router())
        .route("/_emulator/{*rest}", any(admin::dispatch))
        .route("/graph/{*rest}", any(crate::identity::wire::graph::dispatch))
        .fallback(arm::dispatch)
        .layer(axum::middleware::from_fn_with_state(app.clone(), stats::count))
        .with_state(app)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panic_response))
}

/// A bug must still answer in ARM's shape, and must not take the connection down with it.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    use axum::response::IntoResponse;
    envelope::ApiError::arm(crate::error::EmulatorError::Internal("The server encountered an internal error.".into()))
        .into_response()
}

/// `https://host[:port]` as the client addressed us, so discovery documents point back at the same
/// origin whatever name or port the client used.
pub fn origin(headers: &HeaderMap, uri: &Uri) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| uri.authority().map(|a| a.to_string()))
        .unwrap_or_else(|| "127.0.0.1".into());
    format!("https://{host}")
}

/// Collapses runs of `/` in the path (`az cloud register` asks for `//metadata/endpoints`).
pub fn normalize_path<B>(mut req: axum::http::Request<B>) -> axum::http::Request<B> {
    let uri = req.uri();
    if uri.path().contains("//") {
        let mut path = String::with_capacity(uri.path().len());
        for c in uri.path().chars() {
            if !(c == '/' && path.ends_with('/')) {
                path.push(c);
            }
        }
        let pq = match uri.query() {
            Some(q) => format!("{path}?{q}"),
            None => path,
        };
        let mut parts = uri.clone().into_parts();
        if let Ok(pq) = pq.parse() {
            parts.path_and_query = Some(pq);
            if let Ok(new) = Uri::from_parts(parts) {
                *req.uri_mut() = new;
            }
        }
    }
    req
}

/// Query parameters, percent-decoded; the first value of a repeated key wins.
pub fn query_map(uri: &Uri) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        out.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    out
}

//! The Aiven-compatible v1 API: user auth, projects, project VPCs, Azure peering connections, and
//! our per-connection timeline. Shapes follow `shared/reference/aiven-api.md`.

mod account;
mod auth;
mod body;
mod connections;
pub mod error;
pub mod openapi;
pub mod render;
mod vpcs;

use crate::store::Store;
use axum::routing::{delete, get, post, put};
use axum::Router;
use std::sync::Arc;
use tokio::sync::Notify;

/// Largest request body accepted.
pub const BODY_LIMIT: usize = 64 * 1024;

#[derive(Clone)]
pub struct ApiState {
    pub store: Store,
    /// Woken on every write, so the reconciler acts at once instead of at its next tick.
    pub wake: Arc<Notify>,
}

pub fn router(state: ApiState) -> Router {
    let conn = "/v1/project/{project}/vpcs/{vpc}/peering-connections";
    Router::new()
        .route("/openapi.json", get(openapi::serve))
        .route("/v1/userauth", post(account::login))
        .route("/v1/project", get(account::projects))
        .route("/v1/project/{project}/vpcs", get(vpcs::list).post(vpcs::create))
        .route("/v1/project/{project}/vpcs/{vpc}", get(vpcs::get).delete(vpcs::delete))
        .route("/v1/project/{project}/vpcs/{vpc}/user-peer-network-cidrs", put(vpcs::user_peer_network_cidrs))
        .route(conn, post(connections::create))
        .route(&format!("{conn}/refresh"), post(connections::refresh))
        .route(&format!("{conn}/{{id}}/events"), get(connections::events))
        .route(&format!("{conn}/peer-accounts/{{account}}/peer-vpcs/{{vnet}}"), delete(connections::delete_by_vnet))
        .route(
            &format!("{conn}/peer-accounts/{{account}}/peer-vpcs/{{vnet}}/peer-regions/{{region}}"),
            delete(connections::delete_by_vnet_region),
        )
        .route(
            &format!("{conn}/peer-accounts/{{account}}/peer-resource-groups/{{rg}}/peer-vpcs/{{vnet}}"),
            delete(connections::delete_by_group),
        )
        .route(
            &format!("{conn}/peer-accounts/{{account}}/peer-resource-groups/{{rg}}/peer-vpcs/{{vnet}}/peer-regions/{{region}}"),
            delete(connections::delete_by_group_region),
        )
        .fallback(error::not_found)
        .with_state(state)
}

/// Collapses repeated slashes (`AIVEN_WEB_URL` with a trailing `/` makes clients send `//v1/…`).
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
            if let Ok(new) = axum::http::Uri::from_parts(parts) {
                *req.uri_mut() = new;
            }
        }
    }
    req
}

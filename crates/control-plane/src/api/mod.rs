//! The Aiven-compatible v1 API: user auth, the caller's user and projects, clouds, services, project VPCs, Azure peering connections, and
//! our per-connection timeline. Shapes follow `shared/reference/aiven-api.md`.

mod account;
mod auth;
mod clouds;
mod connections;
pub mod error;
mod extract;
pub mod openapi;
mod paths;
pub mod render;
pub mod render_service;
mod services;
mod vpc_pages;
mod vpcs;

use crate::store::Store;
use axum::Router;
use std::sync::Arc;
use tokio::sync::Notify;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
pub use vpc_pages::VpcPages;

/// Largest request body accepted.
pub const BODY_LIMIT: usize = 64 * 1024;

#[derive(Clone)]
pub struct ApiState {
    pub store: Store,
    /// Woken on every write, so the reconciler acts at once instead of at its next tick.
    pub wake: Arc<Notify>,
    /// The service placer's wake-up, when this control plane has a compute backend; without one,
    /// creating a service is refused.
    pub services: Option<Arc<Notify>>,
    /// Rendered VPCs, served while their connections are unchanged.
    pub vpc_pages: VpcPages,
}

impl ApiState {
    pub fn new(store: Store, wake: Arc<Notify>, services: Option<Arc<Notify>>) -> ApiState {
        ApiState { store, wake, services, vpc_pages: VpcPages::default() }
    }
}

/// The routes and the OpenAPI document, from the same calls: a route cannot be served without
/// being described, nor described without being served.
fn api() -> OpenApiRouter<ApiState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(openapi::serve))
        .routes(routes!(account::login))
        .routes(routes!(account::me))
        .routes(routes!(account::projects))
        .routes(routes!(account::project))
        .routes(routes!(clouds::public))
        .routes(routes!(clouds::of_project))
        .routes(routes!(services::service_type))
        .routes(routes!(services::service_types_list))
        .routes(routes!(services::list, services::create))
        .routes(routes!(services::get, services::delete))
        .routes(routes!(vpcs::list, vpcs::create))
        .routes(routes!(vpcs::get, vpcs::delete))
        .routes(routes!(vpcs::user_peer_network_cidrs))
        .routes(routes!(connections::create))
        .routes(routes!(connections::refresh))
        .routes(routes!(connections::events))
        .routes(routes!(connections::delete_by_vnet))
        .routes(routes!(connections::delete_by_vnet_region))
        .routes(routes!(connections::delete_by_group))
        .routes(routes!(connections::delete_by_group_region))
}

pub fn router(state: ApiState) -> Router {
    let (router, _) = api().split_for_parts();
    router.merge(crate::console::router()).fallback(error::not_found).with_state(state)
}

/// Collapses repeated slashes (`AIVEN_WEB_URL` with a trailing `/` makes clients send `//v1/…`).
/// `…/v1/project//clouds` (an empty project: `avn cloud list` with no project set) becomes
/// `/v1/clouds`, the public list, rather than `/v1/project/clouds`.
pub fn normalize_path<B>(mut req: axum::http::Request<B>) -> axum::http::Request<B> {
    if req.uri().path().ends_with("/v1/project//clouds") {
        let pq = match req.uri().query() {
            Some(q) => format!("/v1/clouds?{q}"),
            None => "/v1/clouds".to_string(),
        };
        let mut parts = req.uri().clone().into_parts();
        if let Ok(pq) = pq.parse() {
            parts.path_and_query = Some(pq);
            if let Ok(new) = axum::http::Uri::from_parts(parts) {
                *req.uri_mut() = new;
            }
        }
    }
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

//! Microsoft Graph under `/graph/v1.0` (and `/graph/beta`): applications, service principals,
//! users, `directoryObjects/getByIds`, `me`, `organization` and `tenantRelationships`. Every route
//! authenticates; writes follow Entra ID's rules in `identity::directory`.

mod applications;
mod objects;
pub mod render;
mod service_principals;
mod tenant_relationships;
mod users;

use crate::error::EmulatorError;
use crate::identity::directory::ObjectKey;
use crate::model::names;
use crate::model::query::{self, Filter};
use crate::model::{Principal, State as World};
use crate::wire::auth::{self, Api};
use crate::wire::body;
use crate::wire::envelope::{ApiError, ApiResult, Flavor, WithFlavor};
use crate::wire::{query_map, App};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// One Graph request, authenticated, reading one snapshot of the state; writes render from the
/// snapshot they published, so a concurrent delete can never pull an object out from under a read.
pub struct GraphCtx {
    pub app: App,
    pub caller: Principal,
    pub now: DateTime<Utc>,
    pub query: HashMap<String, String>,
    pub body: Bytes,
    pub state: Arc<World>,
}

impl GraphCtx {
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> ApiResult<T> {
        body::json(&self.body, Flavor::Graph)
    }
    /// The request's `$filter`, parsed; `None` matches everything.
    pub fn filter(&self) -> ApiResult<Option<Filter>> {
        self.query.get("$filter").map(|f| query::parse(f)).transpose().graph()
    }
    /// Runs a model operation as one write; returns its result and the state it published.
    pub fn commit<T>(&self, op: impl FnOnce(&mut World) -> crate::Result<T>) -> ApiResult<(T, Arc<World>)> {
        self.app.store.commit(op).graph()
    }
}

/// Does an entity pass an optional filter?
pub fn passes(filter: &Option<Filter>, entity: &impl crate::model::query::Filterable) -> bool {
    filter.as_ref().is_none_or(|f| f.matches(entity))
}

pub fn ok(v: Value) -> ApiResult<Response> {
    Ok(Json(v).into_response())
}

pub fn created(v: Value) -> ApiResult<Response> {
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

pub fn no_content() -> ApiResult<Response> {
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// An object is addressed either by object id (`/applications/{id}`) or by key
/// (`/applications(appId='{appId}')`).
fn parse_key(raw: &str) -> ApiResult<ObjectKey> {
    let not_found = || ApiError::graph(EmulatorError::GraphResourceNotFound(names::printable(raw)));
    if let Some(inner) = raw.strip_prefix("(appId='").and_then(|r| r.strip_suffix("')")) {
        return Uuid::parse_str(inner).map(ObjectKey::AppId).map_err(|_| not_found());
    }
    Uuid::parse_str(raw).map(ObjectKey::ObjectId).map_err(|_| not_found())
}

pub async fn dispatch(State(app): State<App>, method: Method, headers: HeaderMap, uri: Uri, body: Body) -> Response {
    match handle(app, method, headers, uri, body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn handle(app: App, method: Method, headers: HeaderMap, uri: Uri, body: Body) -> ApiResult<Response> {
    let path = uri.path().trim_start_matches("/graph").trim_matches('/').to_string();
    let mut segments: Vec<String> =
        path.split('/').map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()).collect();
    if !matches!(segments.first().map(String::as_str), Some("v1.0" | "beta")) {
        return Err(ApiError::graph(EmulatorError::GraphBadRequest(format!(
            "Invalid version: '{}'.",
            names::printable(&path)
        ))));
    }
    segments.remove(0);
    let body = body::read(body, Flavor::Graph).await?;
    let now = app.clock.now();
    let state = app.store.read();
    let token = auth::primary_token(&headers, Api::Graph).graph()?;
    let (caller, _) = auth::verify(&app, &state, token, Api::Graph, now).graph()?;
    let ctx = GraphCtx { app, caller, now, query: query_map(&uri), body, state };
    // `applications(appId='x')` arrives as one segment; split it so routes see a key segment.
    if let Some(first) = segments.first().cloned() {
        for set in ["applications", "servicePrincipals"] {
            if let Some(key) = first.strip_prefix(set).filter(|k| k.starts_with('(')) {
                segments.splice(0..1, [set.to_string(), key.to_string()]);
            }
        }
    }
    let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
    let m = method.as_str();
    match (m, seg.as_slice()) {
        ("GET", ["applications"]) => applications::list(&ctx),
        ("POST", ["applications"]) => applications::create(&ctx),
        ("GET", ["applications", key]) => applications::get(&ctx, parse_key(key)?),
        ("PATCH", ["applications", key]) => applications::patch(&ctx, parse_key(key)?),
        ("DELETE", ["applications", key]) => applications::delete(&ctx, parse_key(key)?),
        ("POST", ["applications", key, "addPassword"]) => applications::add_password(&ctx, parse_key(key)?),
        ("POST", ["applications", key, "removePassword"]) => applications::remove_password(&ctx, parse_key(key)?),
        ("GET", ["servicePrincipals"]) => service_principals::list(&ctx),
        ("POST", ["servicePrincipals"]) => service_principals::create(&ctx),
        ("GET", ["servicePrincipals", key]) => service_principals::get(&ctx, parse_key(key)?),
        ("PATCH", ["servicePrincipals", key]) => service_principals::patch(&ctx, parse_key(key)?),
        ("DELETE", ["servicePrincipals", key]) => service_principals::delete(&ctx, parse_key(key)?),
        ("POST", ["directoryObjects", "getByIds"]) => objects::get_by_ids(&ctx),
        ("GET", ["me"]) => objects::me(&ctx),
        ("GET", ["users"]) => users::list(&ctx),
        ("GET", ["users", key]) => users::get(&ctx, key),
        ("GET", ["organization"]) => objects::organization(&ctx),
        ("GET", ["tenantRelationships", f]) => {
            if let Some(id) = tenant_relationships::argument(f, "findTenantInformationByTenantId", "tenantId") {
                tenant_relationships::by_tenant_id(&ctx, id)
            } else if let Some(d) = tenant_relationships::argument(f, "findTenantInformationByDomainName", "domainName")
            {
                tenant_relationships::by_domain_name(&ctx, d)
            } else {
                Err(unknown_segment(f, m))
            }
        }
        _ => Err(unknown_segment(seg.first().copied().unwrap_or(""), m)),
    }
}

fn unknown_segment(segment: &str, method: &str) -> ApiError {
    ApiError::graph(EmulatorError::GraphBadRequest(format!(
        "Resource not found for the segment '{}' with method {}.",
        names::printable(segment),
        names::printable(method)
    )))
}

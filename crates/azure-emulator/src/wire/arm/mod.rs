//! ARM: subscriptions, tenants, resource groups, virtual networks, subnets, peerings, network
//! interfaces, role definitions and role assignments. Every request is authenticated, checked against the
//! subscription's tenant, throttled per subscription and principal, and authorized by RBAC.

pub mod api_version;
pub mod api_versions;
pub mod filters;
pub mod lro;
pub mod paging;
pub mod precondition;
pub mod route;

use super::auth::{self, Api};
use super::body;
use super::envelope::{ApiError, ApiResult, Flavor, WithFlavor};
use super::{origin, query_map, App};
use crate::authorization::wire as authorization;
use crate::error::EmulatorError;
use crate::model::{Caller, State};
use crate::network::wire::{addresses, catalog, nics, peerings, resources, subscriptions, vnets as network};
use crate::throttle::{Admission, RequestKind};
use axum::body::{Body, Bytes};
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use precondition::Precondition;
use route::Route;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// One authenticated ARM request: the caller (who, with which auxiliary principals, when) and the
/// one snapshot of the state it reads; writes render from the snapshot they published.
pub struct ArmCtx {
    pub app: App,
    pub caller: Caller,
    pub origin: String,
    /// The request path as sent (nextLink repeats it).
    pub path: String,
    pub query: HashMap<String, String>,
    pub body: Bytes,
    pub state: Arc<State>,
    pub precondition: Precondition,
}

impl ArmCtx {
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> ApiResult<T> {
        body::json(&self.body, Flavor::Arm)
    }
    /// Runs a model operation as one write; returns its result and the state it published.
    pub fn commit<T>(&self, op: impl FnOnce(&mut State) -> crate::Result<T>) -> ApiResult<(T, Arc<State>)> {
        self.app.store.commit(op).arm()
    }
    pub fn api_version(&self) -> &str {
        self.query.get("api-version").map(String::as_str).unwrap_or_default()
    }
}

/// ARM's timestamps carry seven fractional digits (.NET ticks).
pub fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    format!("{}{:07}Z", t.format("%Y-%m-%dT%H:%M:%S."), t.timestamp_subsec_nanos() / 100)
}

pub fn ok(v: Value) -> ApiResult<Response> {
    Ok(Json(v).into_response())
}

pub fn put_response(v: Value, created: bool) -> ApiResult<Response> {
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(v)).into_response())
}

/// DELETE of a resource ARM deletes synchronously (role assignments and definitions): 200 when
/// something was deleted, 204 when there was nothing to delete.
pub fn deleted(existed: bool) -> ApiResult<Response> {
    Ok(if existed { StatusCode::OK } else { StatusCode::NO_CONTENT }.into_response())
}

/// A list page: `value` and, when more remain, a `nextLink` back to the same path with a skip
/// token. `$top` caps the page as ARM's lists allow.
pub fn list<T>(
    ctx: &ArmCtx,
    items: impl ExactSizeIterator<Item = T>,
    render: impl FnMut(T) -> Value,
) -> ApiResult<Response> {
    ok(paging::page(ctx, items, render)?)
}

pub async fn dispatch(
    AxumState(app): AxumState<App>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
    body: Body,
) -> Response {
    match handle(app, method, headers, uri, body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn handle(app: App, method: Method, headers: HeaderMap, uri: Uri, body: Body) -> ApiResult<Response> {
    let route = route::parse(uri.path()).arm()?;
    let query = query_map(&uri);
    let body = body::read(body, Flavor::Arm).await?;
    let now = app.clock.now();
    let origin = origin(&headers, &uri);
    let state = app.store.read();
    api_version::check(&route, query.get("api-version"), &body, &state)?;
    let token = auth::primary_token(&headers, Api::Arm).arm()?;
    let (principal, _) = auth::verify(&app, &state, token, Api::Arm, now).arm()?;
    let auxiliary = auth::auxiliary_principals(&app, &state, &headers, now).arm()?;
    let caller = Caller { principal, auxiliary, now };
    let kind = RequestKind::for_method(method.as_str());
    let mut remaining = None;
    if let Some(sub) = route.subscription() {
        let tenant = state
            .tenant_of_subscription(sub)
            .ok_or_else(|| ApiError::arm(EmulatorError::SubscriptionNotFound(sub.to_string())))?;
        if tenant != caller.principal.tenant_id {
            return Err(ApiError::arm(EmulatorError::WrongTokenTenant {
                token_tenant: caller.principal.tenant_id.to_string(),
                subscription_tenant: tenant.to_string(),
            }));
        }
        match app.throttle.admit(&state.knobs.throttling, sub, caller.principal.object_id, kind, now) {
            Admission::Admitted { remaining: r } => remaining = Some(r),
            Admission::Throttled { retry_after_seconds } => {
                return Err(ApiError::arm(EmulatorError::Throttled {
                    kind: kind.word().trim_end_matches('s').to_string(),
                    subscription: sub.to_string(),
                    actor: caller.principal.object_id.to_string(),
                    retry_after: retry_after_seconds,
                }))
            }
        }
    }
    let precondition = Precondition::from_headers(&headers);
    let path = uri.path().to_string();
    let ctx = ArmCtx { app, caller, origin, path, query, body, state, precondition };
    let mut resp = route_request(&ctx, &method, route)?;
    let h = resp.headers_mut();
    if let Some(r) = remaining {
        h.insert(axum::http::HeaderName::from_static(kind.remaining_header()), HeaderValue::from(r));
    }
    if let Ok(v) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()) {
        h.insert("x-ms-request-id", v.clone());
        h.insert("x-ms-correlation-request-id", v);
    }
    Ok(resp)
}

fn route_request(ctx: &ArmCtx, method: &Method, route: Route) -> ApiResult<Response> {
    let m = method.as_str();
    let not_allowed = || Err(ApiError::arm(EmulatorError::MethodNotAllowed(m.to_string())));
    match (m, route) {
        ("GET", Route::Subscriptions) => subscriptions::list_subscriptions(ctx),
        ("GET", Route::Tenants) => subscriptions::list_tenants(ctx),
        ("GET", Route::Locations(s)) => catalog::list_locations(ctx, s),
        ("GET", Route::Providers(s)) => catalog::list_providers(ctx, s),
        ("GET", Route::Provider(s, ns)) => catalog::get_provider(ctx, s, &ns),
        ("GET", Route::ResourcesInSubscription(s)) => resources::list(ctx, s, None),
        ("GET", Route::ResourcesInGroup(s, rg)) => resources::list(ctx, s, Some(&rg)),
        ("GET", Route::GroupOperationResult { id, .. }) => lro::group_result(ctx, &id),
        ("GET", Route::OperationResult { id, .. }) => lro::network_result(ctx, &id),
        ("GET", Route::Subscription(s)) => subscriptions::get_subscription(ctx, s),
        ("GET", Route::ResourceGroups(s)) => subscriptions::list_groups(ctx, s),
        ("GET", Route::ResourceGroup(s, rg)) => subscriptions::get_group(ctx, s, &rg),
        ("HEAD", Route::ResourceGroup(s, rg)) => subscriptions::head_group(ctx, s, &rg),
        ("PUT", Route::ResourceGroup(s, rg)) => subscriptions::put_group(ctx, s, &rg),
        ("DELETE", Route::ResourceGroup(s, rg)) => subscriptions::delete_group(ctx, s, &rg),
        ("GET", Route::VnetsInSubscription(s)) => network::list_vnets(ctx, s, None),
        ("GET", Route::VnetsInGroup(s, rg)) => network::list_vnets(ctx, s, Some(&rg)),
        ("GET", Route::Vnet(v)) => network::get_vnet(ctx, &v),
        ("PUT", Route::Vnet(v)) => network::put_vnet(ctx, &v),
        ("PATCH", Route::Vnet(v)) => network::patch_vnet(ctx, &v),
        ("GET", Route::CheckIpAddressAvailability(v)) => addresses::check_availability(ctx, &v),
        ("DELETE", Route::Vnet(v)) => network::delete_vnet(ctx, &v),
        ("GET", Route::Subnets(v)) => network::list_subnets(ctx, &v),
        ("GET", Route::Subnet(v, n)) => network::get_subnet(ctx, &v, &n),
        ("PUT", Route::Subnet(v, n)) => network::put_subnet(ctx, &v, &n),
        ("DELETE", Route::Subnet(v, n)) => network::delete_subnet(ctx, &v, &n),
        ("GET", Route::Peerings(v)) => peerings::list(ctx, &v),
        ("GET", Route::Peering(v, n)) => peerings::get(ctx, &v, &n),
        ("PUT", Route::Peering(v, n)) => peerings::put(ctx, &v, &n),
        ("DELETE", Route::Peering(v, n)) => peerings::delete(ctx, &v, &n),
        ("GET", Route::NicsInSubscription(s)) => nics::list_nics(ctx, s, None),
        ("GET", Route::NicsInGroup(s, rg)) => nics::list_nics(ctx, s, Some(&rg)),
        ("GET", Route::Nic(n)) => nics::get_nic(ctx, &n),
        ("PUT", Route::Nic(n)) => nics::put_nic(ctx, &n),
        ("DELETE", Route::Nic(n)) => nics::delete_nic(ctx, &n),
        ("GET", Route::Operation { id, .. }) => lro::network_status(ctx, &id),
        ("GET", Route::RoleDefinitions(s)) => authorization::list_definitions(ctx, &s),
        ("GET", Route::RoleDefinition(s, id)) => authorization::get_definition(ctx, &s, &id),
        ("PUT", Route::RoleDefinition(s, id)) => authorization::put_definition(ctx, &s, &id),
        ("DELETE", Route::RoleDefinition(s, id)) => authorization::delete_definition(ctx, &s, &id),
        ("GET", Route::RoleAssignments(s)) => authorization::list_assignments(ctx, &s),
        ("GET", Route::RoleAssignment(s, id)) => authorization::get_assignment(ctx, &s, &id),
        ("PUT", Route::RoleAssignment(s, id)) => authorization::put_assignment(ctx, &s, &id),
        ("DELETE", Route::RoleAssignment(s, id)) => authorization::delete_assignment(ctx, &s, &id),
        _ => not_allowed(),
    }
}

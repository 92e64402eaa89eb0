//! VNet peerings, with ARM's cross-tenant linked authorization: writing a peering needs
//! `virtualNetworkPeerings/write` on the local VNet and `virtualNetworks/peer/action` on the remote
//! one, proven for a remote tenant by an auxiliary token of the same application.

use super::{deleted, ok, render, ArmCtx};
use crate::error::EmulatorError;
use crate::model::network::PeeringSpec;
use crate::model::resources::PeeringFlags;
use crate::model::scope::{Scope, VnetRef};
use crate::wire::auth;
use crate::wire::envelope::{ApiError, ApiResult, WithFlavor};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

const PEERING_READ: &str = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/read";
pub const PEERING_WRITE: &str = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write";
pub const PEER_ACTION: &str = "Microsoft.Network/virtualNetworks/peer/action";

fn peering_id(v: &VnetRef, name: &str) -> String {
    format!("{}/virtualNetworkPeerings/{name}", v.id())
}

fn not_found(v: &VnetRef, name: &str) -> ApiError {
    ApiError::arm(EmulatorError::ResourceNotFound {
        resource_type: format!("Microsoft.Network/virtualNetworks/{}/virtualNetworkPeerings", v.name),
        name: name.to_string(),
        resource_group: v.resource_group.clone(),
    })
}

pub fn list(ctx: &ArmCtx, v: &VnetRef) -> ApiResult<Response> {
    ctx.authorize(PEERING_READ, &format!("{}/virtualNetworkPeerings", v.id()))?;
    let state = ctx.state();
    let net = state.virtual_network(v).arm()?;
    super::list(net.peerings.iter().map(|p| render::peering(net, &state.peering_view(net, p), "Succeeded")).collect())
}

pub fn get(ctx: &ArmCtx, v: &VnetRef, name: &str) -> ApiResult<Response> {
    ctx.authorize(PEERING_READ, &peering_id(v, name))?;
    let state = ctx.state();
    let net = state.virtual_network(v).arm()?;
    let p = net.peering(name).ok_or_else(|| not_found(v, name))?;
    ok(render::peering(net, &state.peering_view(net, p), "Succeeded"))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PeeringBody {
    properties: Option<PeeringProperties>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PeeringProperties {
    remote_virtual_network: Option<IdRef>,
    #[serde(default)]
    allow_virtual_network_access: Option<bool>,
    #[serde(default)]
    allow_forwarded_traffic: bool,
    #[serde(default)]
    allow_gateway_transit: bool,
    #[serde(default)]
    use_remote_gateways: bool,
    #[serde(default)]
    do_not_verify_remote_gateways: bool,
    #[serde(default)]
    peer_complete_vnets: Option<bool>,
}

#[derive(Deserialize)]
struct IdRef {
    id: Option<String>,
}

pub fn put(ctx: &ArmCtx, v: &VnetRef, name: &str) -> ApiResult<Response> {
    let local_id = peering_id(v, name);
    ctx.authorize(PEERING_WRITE, &local_id)?;
    let body: PeeringBody = ctx.json()?;
    let props = body.properties.ok_or_else(|| {
        ApiError::arm(EmulatorError::InvalidParameter("Required property 'properties' not found in JSON.".into()))
    })?;
    let remote_raw = props.remote_virtual_network.and_then(|r| r.id).ok_or_else(|| {
        ApiError::arm(EmulatorError::InvalidParameter(
            "Required property 'remoteVirtualNetwork.id' not found in JSON. Path 'properties'.".into(),
        ))
    })?;
    let remote = Scope::parse_vnet_id(&remote_raw, "properties.remoteVirtualNetwork.id").arm()?;
    authorize_linked(ctx, &local_id, &remote)?;
    let spec = PeeringSpec {
        remote,
        flags: PeeringFlags {
            // ARM's default for allowVirtualNetworkAccess is true.
            allow_virtual_network_access: props.allow_virtual_network_access.unwrap_or(true),
            allow_forwarded_traffic: props.allow_forwarded_traffic,
            allow_gateway_transit: props.allow_gateway_transit,
            use_remote_gateways: props.use_remote_gateways,
            do_not_verify_remote_gateways: props.do_not_verify_remote_gateways,
            peer_complete_vnets: props.peer_complete_vnets.unwrap_or(true),
        },
        sync_remote_address_space: ctx
            .query
            .get("syncRemoteAddressSpace")
            .is_some_and(|s| s.eq_ignore_ascii_case("true")),
    };
    let (peering, created) = ctx.app.store.write(|s| s.put_peering(v, name, spec, ctx.now)).arm()?;
    let state = ctx.state();
    let net = state.virtual_network(v).arm()?;
    let body = render::peering(net, &state.peering_view(net, &peering), "Updating");
    // A long-running operation that has already finished: az polls once and reads the result.
    let op = Uuid::new_v4();
    ctx.app.operations.lock().expect("operations").insert(op, "Succeeded");
    let api_version = ctx.query.get("api-version").cloned().unwrap_or_default();
    let poll = format!(
        "{}/subscriptions/{}/providers/Microsoft.Network/locations/{}/operations/{op}?api-version={api_version}",
        ctx.origin, v.subscription, net.location
    );
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    let mut resp = (status, Json(body)).into_response();
    if let Ok(h) = HeaderValue::from_str(&poll) {
        resp.headers_mut().insert("azure-asyncoperation", h);
    }
    resp.headers_mut().insert("retry-after", HeaderValue::from(0));
    Ok(resp)
}

/// The remote half of a peering write. Same tenant: the caller needs `peer/action` on the remote
/// VNet. Another tenant: an auxiliary token for that tenant, of the same application, whose principal
/// has `peer/action` there.
fn authorize_linked(ctx: &ArmCtx, local_id: &str, remote: &VnetRef) -> ApiResult<()> {
    let state = ctx.state();
    let aux = auth::auxiliary_principals(&ctx.app, &state, &ctx.headers, &ctx.origin, ctx.now).arm()?;
    let remote_tenant = state.tenant_of_subscription(remote.subscription);
    let tenant_denied = || {
        ApiError::arm(EmulatorError::LinkedTenantNotAuthorized {
            action: PEERING_WRITE.into(),
            scope: local_id.to_string(),
            tenant_id: ctx.caller.tenant_id.to_string(),
            linked_subscription: remote.subscription.to_string(),
        })
    };
    let remote_tenant = remote_tenant.ok_or_else(tenant_denied)?;
    let acting = if remote_tenant == ctx.caller.tenant_id {
        ctx.caller.clone()
    } else {
        aux.into_iter()
            .find(|p| p.tenant_id == remote_tenant && p.app_id == ctx.caller.app_id)
            .ok_or_else(tenant_denied)?
    };
    if state.is_allowed(acting.object_id, PEER_ACTION, &remote.id(), ctx.now) {
        Ok(())
    } else {
        Err(ApiError::arm(EmulatorError::LinkedAuthorizationFailed {
            client: ctx.caller.display.clone(),
            object_id: ctx.caller.object_id.to_string(),
            action: PEERING_WRITE.into(),
            scope: local_id.to_string(),
            linked_action: PEER_ACTION.into(),
            linked_scope: remote.id(),
        }))
    }
}

pub fn delete(ctx: &ArmCtx, v: &VnetRef, name: &str) -> ApiResult<Response> {
    ctx.authorize("Microsoft.Network/virtualNetworks/virtualNetworkPeerings/delete", &peering_id(v, name))?;
    let existed = ctx.app.store.write(|s| s.delete_peering(v, name)).arm()?;
    deleted(existed)
}

pub fn operation(ctx: &ArmCtx, id: &str) -> ApiResult<Response> {
    let status =
        Uuid::parse_str(id).ok().and_then(|op| ctx.app.operations.lock().expect("operations").get(&op).copied());
    match status {
        Some(s) => {
            let mut resp = Json(json!({ "status": s })).into_response();
            resp.headers_mut().insert("retry-after", HeaderValue::from(0));
            Ok(resp)
        }
        None => Err(ApiError::arm(EmulatorError::ResourceNotFound {
            resource_type: "Microsoft.Network/locations/operations".into(),
            name: id.to_string(),
            resource_group: String::new(),
        })),
    }
}

//! VNet peerings. Writing one needs `virtualNetworkPeerings/write` on the local VNet and
//! `virtualNetworks/peer/action` on the remote one (for another tenant, through an auxiliary token of
//! the same application); the model decides both.

use super::render;
use crate::authorization::scope::{Scope, VnetRef};
use crate::error::EmulatorError;
use crate::network::resources::PeeringFlags;
use crate::network::rules::PeeringSpec;
use crate::wire::arm::{lro, ok, ArmCtx};
use crate::wire::envelope::{ApiError, ApiResult, WithFlavor};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

pub fn list(ctx: &ArmCtx, v: &VnetRef) -> ApiResult<Response> {
    let state = &ctx.state;
    let net = state.list_peerings(&ctx.caller, v).arm()?;
    crate::wire::arm::list(ctx, net.peerings.iter(), |p| render::peering(net, &state.peering_view(net, p), "Succeeded"))
}

pub fn get(ctx: &ArmCtx, v: &VnetRef, name: &str) -> ApiResult<Response> {
    let (net, p) = ctx.state.read_peering(&ctx.caller, v, name).arm()?;
    ok(render::peering(net, &ctx.state.peering_view(net, p), "Succeeded"))
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
    // A long-running operation that has already finished: az polls once and reads the result.
    let ((peering, created, op), state) = ctx.commit(|s| {
        ctx.precondition.check(peering_etag(s, v, name).as_deref())?;
        let (peering, created) = s.put_peering(&ctx.caller, v, name, spec)?;
        Ok((peering, created, s.record_operation("Succeeded", ctx.caller.now)))
    })?;
    let net = state.virtual_network(v).arm()?;
    let body = render::peering(net, &state.peering_view(net, &peering), "Updating");
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok(lro::with_status((status, Json(body)).into_response(), &lro::status_url(ctx, v.subscription, &net.location, op)))
}

pub fn delete(ctx: &ArmCtx, v: &VnetRef, name: &str) -> ApiResult<Response> {
    lro::delete_network_resource(
        ctx,
        v.subscription,
        &location_of(ctx, v),
        |s| peering_etag(s, v, name),
        |s| s.delete_peering(&ctx.caller, v, name),
    )
}

/// The peering's current etag as rendered (what `If-Match` compares), if it exists.
fn peering_etag(s: &crate::model::State, v: &VnetRef, name: &str) -> Option<String> {
    s.virtual_network(v).ok().and_then(|n| n.peering(name)).map(|p| render::etag(&p.etag))
}

/// The VNet's region as the request saw it (operation URLs name it).
pub fn location_of(ctx: &ArmCtx, v: &VnetRef) -> String {
    ctx.state.virtual_network(v).map(|n| n.location.clone()).unwrap_or_else(|_| "westeurope".into())
}

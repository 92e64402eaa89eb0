//! Virtual networks and subnets.

use super::props::{take, unmodeled, ChildBody, ResourceBody};
use super::render;
use crate::authorization::scope::VnetRef;
use crate::error::EmulatorError;
use crate::model::names;
use crate::network::resources::{parse_prefix, Unmodeled};
use crate::network::rules::{SubnetSpec, VirtualNetworkSpec};
use crate::wire::arm::{list, lro, ok, put_response, ArmCtx};
use crate::wire::envelope::{ApiError, ApiResult, WithFlavor};
use axum::response::Response;
use ipnet::IpNet;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Lists VNets the caller may read (ARM filters list results by permission).
pub fn list_vnets(ctx: &ArmCtx, sub: uuid::Uuid, rg: Option<&str>) -> ApiResult<Response> {
    let nets = ctx.state.list_virtual_networks(&ctx.caller, sub, rg).arm()?;
    list(ctx, nets.into_iter(), |n| render::virtual_network(&ctx.state, n))
}

pub fn get_vnet(ctx: &ArmCtx, v: &VnetRef) -> ApiResult<Response> {
    ok(render::virtual_network(&ctx.state, ctx.state.read_virtual_network(&ctx.caller, v).arm()?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AddressSpace {
    #[serde(default)]
    address_prefixes: Vec<String>,
}

fn prefix(raw: &str) -> ApiResult<IpNet> {
    parse_prefix(raw).ok_or_else(|| ApiError::arm(EmulatorError::InvalidAddressPrefix(names::printable(raw))))
}

/// A subnet as sent: its name, its prefix (`addressPrefix`, or the first of `addressPrefixes`) and
/// everything else it carried.
fn subnet_spec(name: &str, mut props: Unmodeled) -> ApiResult<SubnetSpec> {
    let single: Option<String> = take(&mut props, "properties", "addressPrefix")?;
    let many: Option<Vec<String>> = take(&mut props, "properties", "addressPrefixes")?;
    let raw = single.or_else(|| many.and_then(|v| v.into_iter().next())).ok_or_else(|| {
        ApiError::arm(EmulatorError::InvalidParameter(format!("Subnet '{name}' must have properties.addressPrefix.")))
    })?;
    Ok(SubnetSpec { name: name.to_string(), prefix: prefix(&raw)?, unmodeled: unmodeled(props, &[]) })
}

pub fn put_vnet(ctx: &ArmCtx, v: &VnetRef) -> ApiResult<Response> {
    let body: ResourceBody = ctx.json()?;
    let location = body.location.filter(|l| !l.trim().is_empty()).ok_or_else(|| {
        ApiError::arm(EmulatorError::InvalidParameter(
            "The 'location' property is required for a virtual network.".into(),
        ))
    })?;
    let mut props = body.properties;
    let address_prefixes = take::<AddressSpace>(&mut props, "properties", "addressSpace")?
        .map(|a| a.address_prefixes)
        .unwrap_or_default()
        .iter()
        .map(|p| prefix(p))
        .collect::<ApiResult<Vec<_>>>()?;
    let subnets = take::<Vec<ChildBody>>(&mut props, "properties", "subnets")?
        .unwrap_or_default()
        .into_iter()
        .map(|s| {
            let name = s.name.ok_or_else(|| {
                ApiError::arm(EmulatorError::InvalidParameter("Every subnet must have a name.".into()))
            })?;
            subnet_spec(&name, s.properties)
        })
        .collect::<ApiResult<Vec<_>>>()?;
    // Peerings are child resources with their own writes; echoing them back in a PUT keeps them.
    let unmodeled = unmodeled(props, &["virtualNetworkPeerings"]);
    let spec = VirtualNetworkSpec { location, address_prefixes, subnets, tags: body.tags, unmodeled };
    let ((net, created), state) = ctx.commit(|s| {
        ctx.precondition.check(vnet_etag(s, v).as_deref())?;
        s.put_virtual_network(&ctx.caller, v, spec)
    })?;
    put_response(render::virtual_network(&state, &net), created)
}

#[derive(Deserialize)]
struct TagsBody {
    tags: Option<BTreeMap<String, String>>,
}

/// `PATCH` (UpdateTags): only `tags` can change, as in Azure; a body without `tags` changes nothing.
pub fn patch_vnet(ctx: &ArmCtx, v: &VnetRef) -> ApiResult<Response> {
    let body: TagsBody = ctx.json()?;
    let (net, state) = ctx.commit(|s| {
        ctx.precondition.check(vnet_etag(s, v).as_deref())?;
        let tags =
            body.tags.unwrap_or_else(|| s.virtual_networks.get(&v.key()).map(|n| n.tags.clone()).unwrap_or_default());
        s.update_virtual_network_tags(&ctx.caller, v, tags)
    })?;
    ok(render::virtual_network(&state, &net))
}

pub fn delete_vnet(ctx: &ArmCtx, v: &VnetRef) -> ApiResult<Response> {
    let location = super::peerings::location_of(ctx, v);
    lro::delete_network_resource(
        ctx,
        v.subscription,
        &location,
        |s| vnet_etag(s, v),
        |s| s.delete_virtual_network(&ctx.caller, v),
    )
}

pub fn list_subnets(ctx: &ArmCtx, v: &VnetRef) -> ApiResult<Response> {
    let net = ctx.state.list_subnets(&ctx.caller, v).arm()?;
    list(ctx, net.subnets.iter(), |s| render::subnet(net, s))
}

pub fn get_subnet(ctx: &ArmCtx, v: &VnetRef, name: &str) -> ApiResult<Response> {
    let (net, subnet) = ctx.state.read_subnet(&ctx.caller, v, name).arm()?;
    ok(render::subnet(net, subnet))
}

#[derive(Deserialize)]
struct SubnetPut {
    #[serde(default)]
    properties: Unmodeled,
}

/// The VNet's current etag as rendered (what `If-Match` compares), if it exists.
fn vnet_etag(s: &crate::model::State, v: &VnetRef) -> Option<String> {
    s.virtual_network(v).ok().map(|n| render::etag(&n.etag))
}

fn subnet_etag(s: &crate::model::State, v: &VnetRef, name: &str) -> Option<String> {
    s.virtual_network(v).ok().and_then(|n| n.subnet(name)).map(|x| render::etag(&x.etag))
}

pub fn put_subnet(ctx: &ArmCtx, v: &VnetRef, name: &str) -> ApiResult<Response> {
    let body: SubnetPut = ctx.json()?;
    let spec = subnet_spec(name, body.properties)?;
    let ((subnet, created), state) = ctx.commit(|s| {
        ctx.precondition.check(subnet_etag(s, v, name).as_deref())?;
        s.put_subnet(&ctx.caller, v, spec)
    })?;
    put_response(render::subnet(state.virtual_network(v).arm()?, &subnet), created)
}

pub fn delete_subnet(ctx: &ArmCtx, v: &VnetRef, name: &str) -> ApiResult<Response> {
    let location = super::peerings::location_of(ctx, v);
    lro::delete_network_resource(
        ctx,
        v.subscription,
        &location,
        |s| subnet_etag(s, v, name),
        |s| s.delete_subnet(&ctx.caller, v, name),
    )
}

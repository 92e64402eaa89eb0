//! Virtual networks and subnets.

use super::render;
use crate::authorization::scope::VnetRef;
use crate::error::EmulatorError;
use crate::model::names;
use crate::network::resources::parse_prefix;
use crate::network::rules::VirtualNetworkSpec;
use crate::wire::arm::{deleted, list, ok, put_response, ArmCtx};
use crate::wire::envelope::{ApiError, ApiResult, WithFlavor};
use axum::response::Response;
use ipnet::IpNet;
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Lists VNets the caller may read (ARM filters list results by permission).
pub fn list_vnets(ctx: &ArmCtx, sub: Uuid, rg: Option<&str>) -> ApiResult<Response> {
    let nets = ctx.state.list_virtual_networks(&ctx.caller, sub, rg).arm()?;
    list(nets.into_iter().map(|n| render::virtual_network(&ctx.state, n)).collect())
}

pub fn get_vnet(ctx: &ArmCtx, v: &VnetRef) -> ApiResult<Response> {
    ok(render::virtual_network(&ctx.state, ctx.state.read_virtual_network(&ctx.caller, v).arm()?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VnetBody {
    location: Option<String>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
    #[serde(default)]
    properties: VnetProperties,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct VnetProperties {
    address_space: Option<AddressSpace>,
    #[serde(default)]
    subnets: Vec<SubnetBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AddressSpace {
    #[serde(default)]
    address_prefixes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubnetBody {
    name: Option<String>,
    #[serde(default)]
    properties: SubnetProperties,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SubnetProperties {
    address_prefix: Option<String>,
    address_prefixes: Option<Vec<String>>,
}

fn prefix(raw: &str) -> ApiResult<IpNet> {
    parse_prefix(raw).ok_or_else(|| ApiError::arm(EmulatorError::InvalidAddressPrefix(names::printable(raw))))
}

fn subnet_prefix(p: &SubnetProperties, name: &str) -> ApiResult<IpNet> {
    let raw =
        p.address_prefix.clone().or_else(|| p.address_prefixes.as_ref().and_then(|v| v.first().cloned())).ok_or_else(
            || {
                ApiError::arm(EmulatorError::InvalidParameter(format!(
                    "Subnet '{name}' must have properties.addressPrefix."
                )))
            },
        )?;
    prefix(&raw)
}

pub fn put_vnet(ctx: &ArmCtx, v: &VnetRef) -> ApiResult<Response> {
    let body: VnetBody = ctx.json()?;
    let location = body.location.filter(|l| !l.trim().is_empty()).ok_or_else(|| {
        ApiError::arm(EmulatorError::InvalidParameter(
            "The 'location' property is required for a virtual network.".into(),
        ))
    })?;
    let address_prefixes = body
        .properties
        .address_space
        .map(|a| a.address_prefixes)
        .unwrap_or_default()
        .iter()
        .map(|p| prefix(p))
        .collect::<ApiResult<Vec<_>>>()?;
    let subnets = body
        .properties
        .subnets
        .iter()
        .map(|s| {
            let name = s.name.clone().ok_or_else(|| {
                ApiError::arm(EmulatorError::InvalidParameter("Every subnet must have a name.".into()))
            })?;
            let p = subnet_prefix(&s.properties, &name)?;
            Ok((name, p))
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let spec = VirtualNetworkSpec { location, address_prefixes, subnets, tags: body.tags };
    let ((net, created), state) = ctx.commit(|s| s.put_virtual_network(&ctx.caller, v, spec))?;
    put_response(render::virtual_network(&state, &net), created)
}

pub fn delete_vnet(ctx: &ArmCtx, v: &VnetRef) -> ApiResult<Response> {
    let (existed, _) = ctx.commit(|s| s.delete_virtual_network(&ctx.caller, v))?;
    deleted(existed)
}

pub fn list_subnets(ctx: &ArmCtx, v: &VnetRef) -> ApiResult<Response> {
    let net = ctx.state.list_subnets(&ctx.caller, v).arm()?;
    list(net.subnets.iter().map(|s| render::subnet(net, s)).collect())
}

pub fn get_subnet(ctx: &ArmCtx, v: &VnetRef, name: &str) -> ApiResult<Response> {
    let (net, subnet) = ctx.state.read_subnet(&ctx.caller, v, name).arm()?;
    ok(render::subnet(net, subnet))
}

#[derive(Deserialize)]
struct SubnetPut {
    #[serde(default)]
    properties: SubnetProperties,
}

pub fn put_subnet(ctx: &ArmCtx, v: &VnetRef, name: &str) -> ApiResult<Response> {
    let body: SubnetPut = ctx.json()?;
    let p = subnet_prefix(&body.properties, name)?;
    let ((subnet, created), state) = ctx.commit(|s| s.put_subnet(&ctx.caller, v, name, p))?;
    put_response(render::subnet(state.virtual_network(v).arm()?, &subnet), created)
}

pub fn delete_subnet(ctx: &ArmCtx, v: &VnetRef, name: &str) -> ApiResult<Response> {
    let (existed, _) = ctx.commit(|s| s.delete_subnet(&ctx.caller, v, name))?;
    deleted(existed)
}

//! `GET …/virtualNetworks/{v}/CheckIPAddressAvailability?ipAddress=…`: whether a private address
//! can be taken, and if not, up to five free ones in the same subnet. Azure reserves the first four
//! addresses and the last of every subnet; NICs hold the ones they were given.

use crate::authorization::scope::VnetRef;
use crate::error::EmulatorError;
use crate::model::names;
use crate::network::addresses;
use crate::wire::arm::{ok, ArmCtx};
use crate::wire::envelope::{ApiError, ApiResult, WithFlavor};
use axum::response::Response;
use serde_json::json;
use std::net::Ipv4Addr;

/// How many alternatives Azure suggests.
const SUGGESTIONS: usize = 5;

pub fn check_availability(ctx: &ArmCtx, v: &VnetRef) -> ApiResult<Response> {
    let net = ctx.state.read_virtual_network(&ctx.caller, v).arm()?;
    let raw = ctx.query.get("ipAddress").map(String::as_str).unwrap_or_default();
    let ip: Ipv4Addr = raw.trim().parse().map_err(|_| {
        ApiError::arm(EmulatorError::InvalidParameter(format!(
            "The query parameter ipAddress '{}' is not a valid IPv4 address, for example 10.0.0.4.",
            names::printable(raw)
        )))
    })?;
    let (subnet, prefix) = net
        .subnets
        .iter()
        .find_map(|s| match s.address_prefix {
            ipnet::IpNet::V4(p) if p.contains(&ip) => Some((s, p)),
            _ => None,
        })
        .ok_or_else(|| {
            ApiError::arm(EmulatorError::PrivateIpNotInAnySubnet { ip: ip.to_string(), vnet: net.vnet.id() })
        })?;
    let taken = ctx.state.addresses_in_subnet(&net.vnet, &subnet.name);
    let reserved = addresses::is_reserved(&prefix, ip);
    if !reserved && !taken.contains_key(&ip) {
        return ok(json!({ "available": true }));
    }
    let free: Vec<String> = addresses::free(&prefix, |a| a == ip || taken.contains_key(&a))
        .take(SUGGESTIONS)
        .map(|a| a.to_string())
        .collect();
    ok(json!({ "available": false, "isPlatformReserved": reserved, "availableIPAddresses": free }))
}

//! `GET …/virtualNetworks/{v}/CheckIPAddressAvailability?ipAddress=…`: whether a private address
//! can be taken, and if not, up to five free ones nearby in the same subnet. Azure reserves the
//! first four addresses and the last of every subnet.

use crate::authorization::scope::VnetRef;
use crate::error::EmulatorError;
use crate::model::names;
use crate::wire::arm::{ok, ArmCtx};
use crate::wire::envelope::{ApiError, ApiResult, WithFlavor};
use axum::response::Response;
use ipnet::Ipv4Net;
use serde_json::json;
use std::net::Ipv4Addr;

/// How many alternatives Azure suggests.
const SUGGESTIONS: usize = 5;

fn reserved(subnet: &Ipv4Net, ip: Ipv4Addr) -> bool {
    let (first, last) = (u32::from(subnet.network()), u32::from(subnet.broadcast()));
    let n = u32::from(ip);
    n < first.saturating_add(4) || n == last
}

pub fn check_availability(ctx: &ArmCtx, v: &VnetRef) -> ApiResult<Response> {
    let net = ctx.state.read_virtual_network(&ctx.caller, v).arm()?;
    let raw = ctx.query.get("ipAddress").map(String::as_str).unwrap_or_default();
    let ip: Ipv4Addr = raw.trim().parse().map_err(|_| {
        ApiError::arm(EmulatorError::InvalidParameter(format!(
            "The query parameter ipAddress '{}' is not a valid IPv4 address, for example 10.0.0.4.",
            names::printable(raw)
        )))
    })?;
    let subnet = net
        .subnets
        .iter()
        .filter_map(|s| match s.address_prefix {
            ipnet::IpNet::V4(p) => Some(p),
            ipnet::IpNet::V6(_) => None,
        })
        .find(|p| p.contains(&ip))
        .ok_or_else(|| {
            ApiError::arm(EmulatorError::PrivateIpNotInAnySubnet { ip: ip.to_string(), vnet: net.vnet.id() })
        })?;
    // No NIC takes an address yet, so only the reserved ones are unavailable.
    if !reserved(&subnet, ip) {
        return ok(json!({ "available": true }));
    }
    let free: Vec<String> = subnet
        .hosts()
        .filter(|a| !reserved(&subnet, *a) && *a != ip)
        .take(SUGGESTIONS)
        .map(|a| a.to_string())
        .collect();
    ok(json!({ "available": false, "isPlatformReserved": true, "availableIPAddresses": free }))
}

//! Network interfaces. The model decides access (`networkInterfaces/write` on the NIC and
//! `subnets/join/action` on its subnet) and the private address; this reads ARM's body and renders
//! ARM's NIC.

use super::props::{take, unmodeled, ChildBody, ResourceBody};
use super::render;
use crate::authorization::scope::{NicRef, Scope};
use crate::error::EmulatorError;
use crate::model::names;
use crate::network::interfaces::{IpConfigurationSpec, NetworkInterfaceSpec};
use crate::network::resources::{IpAllocation, SubnetRef, Unmodeled};
use crate::wire::arm::{list, lro, ok, put_response, ArmCtx};
use crate::wire::envelope::{ApiError, ApiResult, WithFlavor};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use std::net::Ipv4Addr;

/// Lists the NICs the caller may read (ARM filters list results by permission).
pub fn list_nics(ctx: &ArmCtx, sub: uuid::Uuid, rg: Option<&str>) -> ApiResult<Response> {
    let nics = ctx.state.list_network_interfaces(&ctx.caller, sub, rg).arm()?;
    list(ctx, nics.into_iter(), render::network_interface)
}

pub fn get_nic(ctx: &ArmCtx, n: &NicRef) -> ApiResult<Response> {
    ok(render::network_interface(ctx.state.read_network_interface(&ctx.caller, n).arm()?))
}

#[derive(Deserialize)]
struct IdRef {
    id: Option<String>,
}

/// Read-only NIC properties a client may echo from a GET; never stored.
const NIC_READ_ONLY: &[&str] = &[
    "macAddress",
    "primary",
    "virtualMachine",
    "hostedWorkloads",
    "tapConfigurations",
    "vnetEncryptionSupported",
    "privateEndpoint",
    "privateLinkService",
    "dscpConfiguration",
];

/// Read-only IP configuration properties.
const IP_CONFIGURATION_READ_ONLY: &[&str] = &["privateLinkConnectionProperties"];

pub fn put_nic(ctx: &ArmCtx, n: &NicRef) -> ApiResult<Response> {
    let body: ResourceBody = ctx.json()?;
    let mut props = body.properties;
    let ip_configurations = take::<Vec<ChildBody>>(&mut props, "properties", "ipConfigurations")?
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, b)| ip_configuration(n, i, b))
        .collect::<ApiResult<Vec<_>>>()?;
    let unmodeled = unmodeled(props, NIC_READ_ONLY);
    refuse_references(n, &unmodeled)?;
    // A missing location is the model's to refuse, after a missing group (az sends no location
    // when it could not read the group's).
    let spec = NetworkInterfaceSpec {
        location: body.location.unwrap_or_default(),
        ip_configurations,
        tags: body.tags,
        unmodeled,
    };
    let ((nic, created), _) = ctx.commit(|s| {
        ctx.precondition.check(nic_etag(s, n).as_deref())?;
        s.put_network_interface(&ctx.caller, n, spec)
    })?;
    put_response(render::network_interface(&nic), created)
}

/// One IP configuration as sent: its subnet, allocation method and (for `Static`) address; the
/// `primary` flag is the model's (the one configuration is primary).
fn ip_configuration(n: &NicRef, i: usize, b: ChildBody) -> ApiResult<IpConfigurationSpec> {
    let path = format!("properties.ipConfigurations[{i}].properties");
    let name = b.name.filter(|s| !s.is_empty()).ok_or_else(|| {
        ApiError::arm(EmulatorError::InvalidParameter("Every IP configuration must have a name.".into()))
    })?;
    let mut props = b.properties;
    let subnet = match take::<IdRef>(&mut props, &path, "subnet")?.and_then(|r| r.id) {
        None => None,
        Some(raw) => Some(subnet_ref(&raw, &format!("{path}.subnet.id"))?),
    };
    let method: Option<String> = take(&mut props, &path, "privateIPAllocationMethod")?;
    let allocation = match method.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("dynamic") => IpAllocation::Dynamic,
        Some("static") => IpAllocation::Static,
        Some(_) => {
            return Err(ApiError::arm(EmulatorError::InvalidRequestContent(format!(
                "{path}.privateIPAllocationMethod: '{}' is neither 'Dynamic' nor 'Static'",
                names::printable(method.as_deref().unwrap_or_default())
            ))))
        }
    };
    let raw_address: Option<String> = take(&mut props, &path, "privateIPAddress")?;
    let private_ip_address = match (allocation, raw_address) {
        (IpAllocation::Static, Some(raw)) => Some(raw.trim().parse::<Ipv4Addr>().map_err(|_| {
            ApiError::arm(EmulatorError::InvalidRequestContent(format!(
                "{path}.privateIPAddress: '{}' is not an IPv4 address",
                names::printable(&raw)
            )))
        })?),
        // A dynamic configuration's address is Azure's choice; one echoed from a GET is ignored.
        _ => None,
    };
    let version: Option<String> = take(&mut props, &path, "privateIPAddressVersion")?;
    if version.as_deref().is_some_and(|v| !v.eq_ignore_ascii_case("IPv4")) {
        return Err(ApiError::arm(EmulatorError::InvalidParameter(format!(
            "{path}.privateIPAddressVersion '{}' is not supported: the emulator allocates IPv4 addresses only.",
            names::printable(version.as_deref().unwrap_or_default())
        ))));
    }
    take::<bool>(&mut props, &path, "primary")?;
    let unmodeled = unmodeled(props, IP_CONFIGURATION_READ_ONLY);
    refuse_references(n, &unmodeled)?;
    Ok(IpConfigurationSpec { name, subnet, allocation, private_ip_address, unmodeled })
}

/// A subnet id, or ARM's `LinkedInvalidPropertyId` naming where it was found.
fn subnet_ref(raw: &str, path: &str) -> ApiResult<SubnetRef> {
    match Scope::parse(raw) {
        Ok(Scope::VnetChild { vnet, kind, name }) if kind == "subnets" => Ok(SubnetRef { vnet, name }),
        _ => Err(ApiError::arm(EmulatorError::LinkedInvalidPropertyId {
            id: names::printable(raw),
            path: path.to_string(),
        })),
    }
}

/// A reference to another resource (`networkSecurityGroup`, `publicIPAddress`,
/// `loadBalancerBackendAddressPools`, …): the emulator holds none of those types, so ARM's answer
/// for a missing referenced resource.
fn refuse_references(n: &NicRef, props: &Unmodeled) -> ApiResult<()> {
    let id_of = |v: &Value| v.get("id").and_then(Value::as_str).map(str::to_string);
    let referenced = props.values().find_map(|v| match v {
        Value::Array(items) => items.iter().find_map(id_of),
        other => id_of(other),
    });
    match referenced {
        None => Ok(()),
        Some(id) => Err(ApiError::arm(EmulatorError::ReferencedResourceNotFound {
            referenced: names::printable(&id),
            by: n.id(),
        })),
    }
}

pub fn delete_nic(ctx: &ArmCtx, n: &NicRef) -> ApiResult<Response> {
    let location = ctx.state.network_interface(n).map(|x| x.location.clone()).unwrap_or_else(|_| "westeurope".into());
    lro::delete_network_resource(
        ctx,
        n.subscription,
        &location,
        |s| nic_etag(s, n),
        |s| s.delete_network_interface(&ctx.caller, n),
    )
}

/// The NIC's current etag as rendered (what `If-Match` compares), if it exists.
fn nic_etag(s: &crate::model::State, n: &NicRef) -> Option<String> {
    s.network_interface(n).ok().map(|x| render::etag(&x.etag))
}

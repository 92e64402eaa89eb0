//! Input rules for VPCs and connections, each failure naming the field and how to fix it.

use super::model::NewConnection;
use crate::error::ControlPlaneError;
use ipnet::IpNet;
use uuid::Uuid;

fn invalid(field: &str, message: impl Into<String>) -> ControlPlaneError {
    ControlPlaneError::Invalid { field: field.to_string(), message: message.into() }
}

/// One of the catalogue's clouds (`super::clouds`), the only clouds this control plane peers in.
pub fn cloud_name(raw: &str) -> Result<String, ControlPlaneError> {
    cloud("cloud_name", raw)
}

/// A cloud of the catalogue, named by the request's `field`.
pub fn cloud(field: &str, raw: &str) -> Result<String, ControlPlaneError> {
    match super::clouds::find(raw) {
        Some(c) => Ok(c.name.to_string()),
        None => Err(invalid(field, format!("Cloud '{raw}' is not available; use one of: {}", super::clouds::names()))),
    }
}

/// A private IPv4 network between /16 and /24, written as its network address.
pub fn network_cidr(raw: &str) -> Result<IpNet, ControlPlaneError> {
    let net: IpNet = raw
        .trim()
        .parse()
        .map_err(|_| invalid("network_cidr", format!("'{raw}' is not a CIDR such as '10.1.0.0/24'")))?;
    let IpNet::V4(v4) = net else {
        return Err(invalid("network_cidr", format!("'{raw}' is not IPv4; project VPCs use private IPv4 ranges")));
    };
    if net.trunc() != net {
        return Err(invalid("network_cidr", format!("'{raw}' has host bits set; did you mean '{}'?", net.trunc())));
    }
    if !v4.addr().is_private() {
        return Err(invalid("network_cidr", format!("'{raw}' is not a private range (10/8, 172.16/12 or 192.168/16)")));
    }
    if !(16..=24).contains(&net.prefix_len()) {
        return Err(invalid("network_cidr", format!("'{raw}' must be between /16 and /24")));
    }
    Ok(net)
}

pub fn cidr(field: &str, raw: &str) -> Result<IpNet, ControlPlaneError> {
    let net: IpNet =
        raw.trim().parse().map_err(|_| invalid(field, format!("'{raw}' is not a CIDR such as '10.2.0.0/16'")))?;
    if net.trunc() != net {
        return Err(invalid(field, format!("'{raw}' has host bits set; did you mean '{}'?", net.trunc())));
    }
    Ok(net)
}

/// A GUID in any spelling Azure accepts (braced, without dashes, `urn:uuid:`, any case), stored in
/// one: lower case with dashes, so two spellings never make two connections to one VNet.
fn guid(field: &str, what: &str, raw: &str) -> Result<String, ControlPlaneError> {
    canonical_guid(raw).ok_or_else(|| {
        invalid(field, format!("'{raw}' is not {what} (a GUID such as 00000000-0000-0000-0000-000000000000)"))
    })
}

fn canonical_guid(raw: &str) -> Option<String> {
    Uuid::parse_str(raw.trim()).ok().map(|id| id.hyphenated().to_string())
}

/// The subscription a request path names, in the stored spelling when it is a GUID at all.
pub fn account_in_path(raw: &str) -> String {
    canonical_guid(raw).unwrap_or_else(|| raw.to_string())
}

/// Azure's resource-group rule: 1–90 of letters, digits, `_ - . ( )`, not ending in `.`.
fn resource_group(raw: &str) -> Result<String, ControlPlaneError> {
    let ok = !raw.is_empty()
        && raw.len() <= 90
        && !raw.ends_with('.')
        && raw.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '(' | ')'));
    if ok {
        Ok(raw.to_string())
    } else {
        Err(invalid(
            "peer_resource_group",
            format!("'{raw}' is not an Azure resource group name (1-90 letters, digits, _-.() not ending in '.')"),
        ))
    }
}

/// Azure's VNet rule: 2–64 of letters, digits, `_ - .`, starting alphanumeric, ending alphanumeric or `_`.
fn vnet_name(raw: &str) -> Result<String, ControlPlaneError> {
    let ok = (2..=64).contains(&raw.len())
        && raw.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && raw.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && raw.chars().last().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(raw.to_string())
    } else {
        Err(invalid("peer_vpc", format!("'{raw}' is not an Azure virtual network name (2-64 letters, digits, _-.)")))
    }
}

/// Validates a create request. Names keep the case the customer typed.
pub fn new_connection(
    peer_cloud_account: &str,
    peer_resource_group: Option<&str>,
    peer_vpc: &str,
    peer_azure_app_id: Option<&str>,
    peer_azure_tenant_id: Option<&str>,
    user_peer_network_cidrs: &[String],
) -> Result<NewConnection, ControlPlaneError> {
    let required = |field: &str, v: Option<&str>| {
        v.filter(|s| !s.is_empty())
            .map(str::to_string)
            .ok_or_else(|| invalid(field, format!("{field} is required for an Azure VNet peering")))
    };
    Ok(NewConnection {
        peer_cloud_account: guid("peer_cloud_account", "an Azure subscription id", peer_cloud_account)?,
        peer_resource_group: resource_group(&required("peer_resource_group", peer_resource_group)?)?,
        peer_vpc: vnet_name(peer_vpc)?,
        peer_azure_app_id: guid(
            "peer_azure_app_id",
            "an application (client) id",
            &required("peer_azure_app_id", peer_azure_app_id)?,
        )?,
        peer_azure_tenant_id: guid(
            "peer_azure_tenant_id",
            "a tenant id",
            &required("peer_azure_tenant_id", peer_azure_tenant_id)?,
        )?,
        user_peer_network_cidrs: user_peer_network_cidrs
            .iter()
            .map(|c| cidr("user_peer_network_cidrs", c))
            .collect::<Result<_, _>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_catalogue_clouds_are_accepted() {
        assert_eq!(cloud_name("azure-westeurope").unwrap(), "azure-westeurope");
        let e = cloud_name("azure-mars").unwrap_err().to_string();
        assert!(e.contains("azure-mars") && e.contains("azure-northeurope"), "{e}");
        assert!(cloud_name("aws-eu-west-1").is_err());
    }

    #[test]
    fn cidrs_must_be_private_network_addresses() {
        assert!(network_cidr("10.1.0.0/24").is_ok());
        assert!(network_cidr("10.1.0.1/24").unwrap_err().to_string().contains("10.1.0.0/24"));
        assert!(network_cidr("8.8.8.0/24").is_err());
        assert!(network_cidr("10.0.0.0/8").is_err());
        assert!(network_cidr("nonsense").is_err());
    }

    #[test]
    fn names_keep_their_case_and_ids_must_be_guids() {
        let sub = "aaaaaaaa-0000-0000-0000-000000000001";
        let c = new_connection(sub, Some("My-RG"), "VNet.1", Some(sub), Some(sub), &[]).unwrap();
        assert_eq!((c.peer_resource_group.as_str(), c.peer_vpc.as_str()), ("My-RG", "VNet.1"));
        assert!(new_connection("sub", Some("rg"), "vnet", Some(sub), Some(sub), &[]).is_err());
        assert!(new_connection(sub, None, "vnet", Some(sub), Some(sub), &[]).is_err());
        assert!(new_connection(sub, Some("rg"), "v net", Some(sub), Some(sub), &[]).is_err());
    }

    #[test]
    fn every_spelling_of_a_guid_is_stored_as_one() {
        let sub = "aaaaaaaa-0000-0000-0000-000000000001";
        for spelling in [
            "{AAAAAAAA-0000-0000-0000-000000000001}",
            "aaaaaaaa000000000000000000000001",
            "urn:uuid:aaaaaaaa-0000-0000-0000-000000000001",
            "AAAAAAAA-0000-0000-0000-000000000001",
        ] {
            let c = new_connection(spelling, Some("rg"), "vnet", Some(spelling), Some(spelling), &[]).unwrap();
            assert_eq!((c.peer_cloud_account.as_str(), c.peer_azure_app_id.as_str()), (sub, sub), "{spelling}");
            assert_eq!(account_in_path(spelling), sub);
        }
        assert_eq!(account_in_path("not-a-guid"), "not-a-guid");
    }
}

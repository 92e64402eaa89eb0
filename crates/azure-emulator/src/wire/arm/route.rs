//! ARM paths, matched case-insensitively as ARM does, into the routes the emulator serves.

use super::api_versions::{self, ResourceType};
use crate::authorization::scope::{NicRef, Scope, VnetRef};
use crate::error::{EmulatorError, Result};
use crate::model::names::{self, NameKind};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    Subscriptions,
    Tenants,
    Subscription(Uuid),
    ResourceGroups(Uuid),
    ResourceGroup(Uuid, String),
    VnetsInSubscription(Uuid),
    VnetsInGroup(Uuid, String),
    Vnet(VnetRef),
    Subnets(VnetRef),
    Subnet(VnetRef, String),
    Peerings(VnetRef),
    Peering(VnetRef, String),
    CheckIpAddressAvailability(VnetRef),
    NicsInSubscription(Uuid),
    NicsInGroup(Uuid, String),
    Nic(NicRef),
    Operation {
        subscription: Uuid,
        id: String,
    },
    /// Where a network delete's `Location` header points.
    OperationResult {
        subscription: Uuid,
        id: String,
    },
    /// Where a resource group delete's `Location` header points.
    GroupOperationResult {
        subscription: Uuid,
        id: String,
    },
    Locations(Uuid),
    Providers(Uuid),
    Provider(Uuid, String),
    ResourcesInSubscription(Uuid),
    ResourcesInGroup(Uuid, String),
    RoleDefinitions(Scope),
    RoleDefinition(Scope, String),
    RoleAssignments(Scope),
    RoleAssignment(Scope, String),
}

impl Route {
    /// The resource type whose api-versions the route accepts.
    pub fn resource_type(&self) -> &'static ResourceType {
        match self {
            Route::Subscriptions | Route::Subscription(_) => &api_versions::SUBSCRIPTIONS_TYPE,
            Route::Tenants => &api_versions::TENANTS,
            Route::Locations(_) => &api_versions::LOCATIONS,
            Route::ResourceGroups(_) | Route::ResourceGroup(..) => &api_versions::RESOURCE_GROUPS,
            Route::GroupOperationResult { .. } => &api_versions::OPERATION_RESULTS,
            Route::Providers(_) | Route::Provider(..) => &api_versions::PROVIDERS,
            Route::ResourcesInSubscription(_) | Route::ResourcesInGroup(..) => &api_versions::RESOURCE_LIST,
            Route::RoleDefinitions(_) | Route::RoleDefinition(..) => &api_versions::ROLE_DEFINITIONS_TYPE,
            Route::RoleAssignments(_) | Route::RoleAssignment(..) => &api_versions::ROLE_ASSIGNMENTS_TYPE,
            Route::Operation { .. } => &api_versions::NETWORK_OPERATIONS,
            Route::OperationResult { .. } => &api_versions::NETWORK_OPERATION_RESULTS,
            Route::VnetsInSubscription(_)
            | Route::VnetsInGroup(..)
            | Route::Vnet(_)
            | Route::Subnets(_)
            | Route::Subnet(..)
            | Route::Peerings(_)
            | Route::Peering(..)
            | Route::CheckIpAddressAvailability(_) => &api_versions::VIRTUAL_NETWORKS,
            Route::NicsInSubscription(_) | Route::NicsInGroup(..) | Route::Nic(_) => &api_versions::NETWORK_INTERFACES,
        }
    }

    /// The subscription a request is made against (token tenant and throttling are per subscription).
    pub fn subscription(&self) -> Option<Uuid> {
        match self {
            Route::Subscriptions | Route::Tenants => None,
            Route::Subscription(s)
            | Route::ResourceGroups(s)
            | Route::ResourceGroup(s, _)
            | Route::VnetsInSubscription(s)
            | Route::VnetsInGroup(s, _)
            | Route::NicsInSubscription(s)
            | Route::NicsInGroup(s, _)
            | Route::Operation { subscription: s, .. }
            | Route::OperationResult { subscription: s, .. }
            | Route::GroupOperationResult { subscription: s, .. }
            | Route::Locations(s)
            | Route::Providers(s)
            | Route::Provider(s, _)
            | Route::ResourcesInSubscription(s)
            | Route::ResourcesInGroup(s, _) => Some(*s),
            Route::Vnet(v)
            | Route::Subnets(v)
            | Route::Subnet(v, _)
            | Route::Peerings(v)
            | Route::Peering(v, _)
            | Route::CheckIpAddressAvailability(v) => Some(v.subscription),
            Route::Nic(n) => Some(n.subscription),
            Route::RoleDefinitions(s)
            | Route::RoleDefinition(s, _)
            | Route::RoleAssignments(s)
            | Route::RoleAssignment(s, _) => s.subscription(),
        }
    }
}

fn sub_id(raw: &str) -> Result<Uuid> {
    Uuid::parse_str(raw).map_err(|_| EmulatorError::InvalidSubscriptionId(names::printable(raw)))
}

pub fn parse(path: &str) -> Result<Route> {
    let no_route = || EmulatorError::NoRoute(names::printable(path));
    let segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    let lower: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    let l: Vec<&str> = lower.iter().map(String::as_str).collect();

    // Extension resources at any scope: {scope}/providers/Microsoft.Authorization/{type}[/{name}]
    if let Some(i) =
        (0..l.len().saturating_sub(2)).rev().find(|&i| l[i] == "providers" && l[i + 1] == "microsoft.authorization")
    {
        // The scope is built from the decoded segments themselves, never re-joined and re-split, so
        // a `%2F` inside a name stays inside that name (and fails its naming rule).
        let scope = Scope::from_segments(&segs[..i]).map_err(|e| match e {
            EmulatorError::LinkedInvalidPropertyId { .. } => {
                if segs.len() > 1 && l[0] == "subscriptions" && Uuid::parse_str(&segs[1]).is_err() {
                    EmulatorError::InvalidSubscriptionId(names::printable(&segs[1]))
                } else {
                    no_route()
                }
            }
            named => named,
        })?;
        let rest = &l[i + 2..];
        let name = segs.get(i + 3).cloned();
        return match (rest, name) {
            (["roledefinitions"], _) => Ok(Route::RoleDefinitions(scope)),
            (["roledefinitions", _], Some(n)) => Ok(Route::RoleDefinition(scope, n)),
            (["roleassignments"], _) => Ok(Route::RoleAssignments(scope)),
            (["roleassignments", _], Some(n)) => Ok(Route::RoleAssignment(scope, n)),
            _ => Err(no_route()),
        };
    }

    let group = |rg: &str| -> Result<String> {
        names::validate(NameKind::ResourceGroup, rg)?;
        Ok(rg.to_string())
    };
    let vnet = |s: &str, rg: &str, name: &str| -> Result<VnetRef> {
        let (subscription, resource_group) = (sub_id(s)?, group(rg)?);
        names::validate(NameKind::VirtualNetwork, name)?;
        Ok(VnetRef { subscription, resource_group, name: name.to_string() })
    };
    let child = |kind: NameKind, name: &str| -> Result<String> {
        names::validate(kind, name)?;
        Ok(name.to_string())
    };
    let s = |i: usize| segs[i].as_str();
    match l.as_slice() {
        ["subscriptions"] => Ok(Route::Subscriptions),
        ["tenants"] => Ok(Route::Tenants),
        ["subscriptions", _] => Ok(Route::Subscription(sub_id(s(1))?)),
        ["subscriptions", _, "resourcegroups"] => Ok(Route::ResourceGroups(sub_id(s(1))?)),
        ["subscriptions", _, "resourcegroups", _] => Ok(Route::ResourceGroup(sub_id(s(1))?, group(s(3))?)),
        ["subscriptions", _, "providers", "microsoft.network", "virtualnetworks"] => {
            Ok(Route::VnetsInSubscription(sub_id(s(1))?))
        }
        ["subscriptions", _, "providers", "microsoft.network", "networkinterfaces"] => {
            Ok(Route::NicsInSubscription(sub_id(s(1))?))
        }
        ["subscriptions", _, "providers", "microsoft.network", "locations", _, "operations", _] => {
            Ok(Route::Operation { subscription: sub_id(s(1))?, id: s(7).into() })
        }
        ["subscriptions", _, "providers", "microsoft.network", "locations", _, "operationresults", _] => {
            Ok(Route::OperationResult { subscription: sub_id(s(1))?, id: s(7).into() })
        }
        ["subscriptions", _, "operationresults", _] => {
            Ok(Route::GroupOperationResult { subscription: sub_id(s(1))?, id: s(3).into() })
        }
        ["subscriptions", _, "locations"] => Ok(Route::Locations(sub_id(s(1))?)),
        ["subscriptions", _, "providers"] => Ok(Route::Providers(sub_id(s(1))?)),
        ["subscriptions", _, "providers", _] => Ok(Route::Provider(sub_id(s(1))?, s(3).to_string())),
        ["subscriptions", _, "resources"] => Ok(Route::ResourcesInSubscription(sub_id(s(1))?)),
        ["subscriptions", _, "resourcegroups", _, "resources"] => {
            Ok(Route::ResourcesInGroup(sub_id(s(1))?, group(s(3))?))
        }
        ["subscriptions", _, "resourcegroups", _, "providers", "microsoft.network", "virtualnetworks", rest @ ..] => {
            match rest {
                [] => Ok(Route::VnetsInGroup(sub_id(s(1))?, group(s(3))?)),
                [_] => Ok(Route::Vnet(vnet(s(1), s(3), s(7))?)),
                [_, "subnets"] => Ok(Route::Subnets(vnet(s(1), s(3), s(7))?)),
                [_, "checkipaddressavailability"] => Ok(Route::CheckIpAddressAvailability(vnet(s(1), s(3), s(7))?)),
                [_, "subnets", _] => Ok(Route::Subnet(vnet(s(1), s(3), s(7))?, child(NameKind::Subnet, s(9))?)),
                [_, "virtualnetworkpeerings"] => Ok(Route::Peerings(vnet(s(1), s(3), s(7))?)),
                [_, "virtualnetworkpeerings", _] => {
                    Ok(Route::Peering(vnet(s(1), s(3), s(7))?, child(NameKind::Peering, s(9))?))
                }
                _ => Err(no_route()),
            }
        }
        ["subscriptions", _, "resourcegroups", _, "providers", "microsoft.network", "networkinterfaces", rest @ ..] => {
            match rest {
                [] => Ok(Route::NicsInGroup(sub_id(s(1))?, group(s(3))?)),
                [_] => {
                    let (subscription, resource_group) = (sub_id(s(1))?, group(s(3))?);
                    let name = child(NameKind::NetworkInterface, s(7))?;
                    Ok(Route::Nic(NicRef { subscription, resource_group, name }))
                }
                _ => Err(no_route()),
            }
        }
        _ => Err(no_route()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &str = "aaaaaaaa-0000-0000-0000-000000000001";

    #[test]
    fn matches_case_insensitively_and_keeps_names() {
        let r = parse(&format!("/SUBSCRIPTIONS/{S}/resourcegroups/My-RG/providers/microsoft.network/VirtualNetworks/V1/virtualNetworkPeerings/P")).unwrap();
        let Route::Peering(v, p) = r else { panic!("{r:?}") };
        assert_eq!((v.resource_group.as_str(), v.name.as_str(), p.as_str()), ("My-RG", "V1", "P"));
        let r =
            parse(&format!("/subscriptions/{S}/resourceGroups/rg/providers/Microsoft.Network/NETWORKINTERFACES/Nic_1"))
                .unwrap();
        assert!(matches!(&r, Route::Nic(n) if n.name == "Nic_1" && n.resource_group == "rg"), "{r:?}");
        assert_eq!(
            parse(&format!("/subscriptions/{S}/providers/Microsoft.Network/networkInterfaces")).unwrap(),
            Route::NicsInSubscription(S.parse().unwrap())
        );
        let nics = format!("/subscriptions/{S}/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces");
        assert!(matches!(parse(&nics).unwrap(), Route::NicsInGroup(..)));
        assert!(matches!(parse(&format!("{nics}/-bad")), Err(EmulatorError::InvalidResourceName { .. })));
        assert!(matches!(parse(&format!("{nics}/n/ipConfigurations/ipconfig1")), Err(EmulatorError::NoRoute(_))));
    }

    #[test]
    fn role_routes_at_any_scope() {
        assert!(matches!(
            parse("/providers/Microsoft.Authorization/roleDefinitions/x").unwrap(),
            Route::RoleDefinition(Scope::Root, _)
        ));
        let vnet = format!("/subscriptions/{S}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vn");
        assert!(matches!(
            parse(&format!("{vnet}/providers/Microsoft.Authorization/roleAssignments")).unwrap(),
            Route::RoleAssignments(Scope::VirtualNetwork(_))
        ));
    }

    #[test]
    fn bad_ids_are_named() {
        assert_eq!(
            parse("/subscriptions/nope/resourceGroups"),
            Err(EmulatorError::InvalidSubscriptionId("nope".into()))
        );
        assert!(parse("/subscriptions/x/y/z/w").is_err());
    }

    #[test]
    fn an_encoded_slash_stays_inside_its_name_and_fails_it() {
        let rg = "rg-scoped%2Fproviders%2FMicrosoft.Network%2FvirtualNetworks%2Fvictim";
        for path in [
            format!("/subscriptions/{S}/resourceGroups/{rg}"),
            format!("/subscriptions/{S}/resourceGroups/{rg}/providers/Microsoft.Authorization/roleAssignments/x"),
            format!(
                "/subscriptions/{S}/resourceGroups/rg-scoped%2Fchild/providers/Microsoft.Network/virtualNetworks/v"
            ),
        ] {
            assert!(matches!(parse(&path), Err(EmulatorError::InvalidResourceGroup { .. })), "{path}");
        }
        let vnet = format!("/subscriptions/{S}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks");
        assert!(matches!(parse(&format!("{vnet}/a%2Fb")), Err(EmulatorError::InvalidResourceName { .. })));
        assert!(matches!(parse(&format!("{vnet}/vn/subnets/%00")), Err(EmulatorError::InvalidResourceName { .. })));
    }
}

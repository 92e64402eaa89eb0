//! ARM scopes and resource ids: parsing (every name checked by its type's rule), canonical spelling,
//! and the case-insensitive, segment-wise ancestry test that RBAC inheritance rests on.

use crate::error::{EmulatorError, Result};
use crate::model::names::{self, NameKind};
use uuid::Uuid;

pub const VNET_TYPE: &str = "Microsoft.Network/virtualNetworks";
pub const NIC_TYPE: &str = "Microsoft.Network/networkInterfaces";

/// A scope the emulator knows how to hold: what role assignments attach to and what ARM routes name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Root,
    Subscription(Uuid),
    ResourceGroup {
        subscription: Uuid,
        resource_group: String,
    },
    VirtualNetwork(VnetRef),
    NetworkInterface(NicRef),
    /// `…/virtualNetworks/{vnet}/{kind}/{name}` with kind `subnets` or `virtualNetworkPeerings`.
    VnetChild {
        vnet: VnetRef,
        kind: String,
        name: String,
    },
}

/// A virtual network named by its id parts; names keep the case they were written in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct VnetRef {
    pub subscription: Uuid,
    pub resource_group: String,
    pub name: String,
}

/// A network interface named by its id parts; names keep the case they were written in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct NicRef {
    pub subscription: Uuid,
    pub resource_group: String,
    pub name: String,
}

fn resource_id(subscription: Uuid, resource_group: &str, resource_type: &str, name: &str) -> String {
    format!("/subscriptions/{subscription}/resourceGroups/{resource_group}/providers/{resource_type}/{name}")
}

impl VnetRef {
    pub fn id(&self) -> String {
        resource_id(self.subscription, &self.resource_group, VNET_TYPE, &self.name)
    }
    /// The map key: ids compare case-insensitively.
    pub fn key(&self) -> String {
        self.id().to_ascii_lowercase()
    }
}

impl NicRef {
    pub fn id(&self) -> String {
        resource_id(self.subscription, &self.resource_group, NIC_TYPE, &self.name)
    }
    /// The map key: ids compare case-insensitively.
    pub fn key(&self) -> String {
        self.id().to_ascii_lowercase()
    }
}

impl Scope {
    pub fn parse(raw: &str) -> Result<Scope> {
        let invalid = || EmulatorError::LinkedInvalidPropertyId { id: names::printable(raw), path: "scope".into() };
        if raw == "/" {
            return Ok(Scope::Root);
        }
        let trimmed = raw.strip_suffix('/').unwrap_or(raw);
        let segments: Vec<&str> = trimmed.strip_prefix('/').ok_or_else(invalid)?.split('/').collect();
        Scope::from_segments(&segments).map_err(|e| match e {
            EmulatorError::LinkedInvalidPropertyId { .. } => invalid(),
            named => named,
        })
    }

    /// Builds a scope from path segments that were split once and never re-joined, so a name can
    /// never smuggle a `/` into another position. Every name is checked by its type's rule.
    pub fn from_segments<S: AsRef<str>>(segments: &[S]) -> Result<Scope> {
        let segments: Vec<&str> = segments.iter().map(AsRef::as_ref).collect();
        let joined = || format!("/{}", segments.join("/"));
        let invalid =
            || EmulatorError::LinkedInvalidPropertyId { id: names::printable(&joined()), path: "scope".into() };
        if segments.is_empty() {
            return Ok(Scope::Root);
        }
        if segments.iter().any(|s| s.is_empty()) {
            return Err(invalid());
        }
        let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        if segments.len() < 2 || !eq(segments[0], "subscriptions") {
            return Err(invalid());
        }
        let subscription = Uuid::parse_str(segments[1]).map_err(|_| invalid())?;
        match segments.len() {
            2 => Ok(Scope::Subscription(subscription)),
            4 if eq(segments[2], "resourceGroups") => {
                names::validate(NameKind::ResourceGroup, segments[3])?;
                Ok(Scope::ResourceGroup { subscription, resource_group: segments[3].to_string() })
            }
            8 if eq(segments[2], "resourceGroups")
                && eq(segments[4], "providers")
                && eq(segments[5], "Microsoft.Network")
                && eq(segments[6], "networkInterfaces") =>
            {
                names::validate(NameKind::ResourceGroup, segments[3])?;
                names::validate(NameKind::NetworkInterface, segments[7])?;
                Ok(Scope::NetworkInterface(NicRef {
                    subscription,
                    resource_group: segments[3].to_string(),
                    name: segments[7].to_string(),
                }))
            }
            8 | 10
                if eq(segments[2], "resourceGroups")
                    && eq(segments[4], "providers")
                    && eq(segments[5], "Microsoft.Network")
                    && eq(segments[6], "virtualNetworks") =>
            {
                names::validate(NameKind::ResourceGroup, segments[3])?;
                names::validate(NameKind::VirtualNetwork, segments[7])?;
                let vnet =
                    VnetRef { subscription, resource_group: segments[3].to_string(), name: segments[7].to_string() };
                if segments.len() == 8 {
                    return Ok(Scope::VirtualNetwork(vnet));
                }
                let kind = if eq(segments[8], "subnets") {
                    names::validate(NameKind::Subnet, segments[9])?;
                    "subnets"
                } else if eq(segments[8], "virtualNetworkPeerings") {
                    names::validate(NameKind::Peering, segments[9])?;
                    "virtualNetworkPeerings"
                } else {
                    return Err(invalid());
                };
                Ok(Scope::VnetChild { vnet, kind: kind.into(), name: segments[9].to_string() })
            }
            _ => Err(invalid()),
        }
    }

    /// Parses a scope that must name a virtual network (as in a peering's `remoteVirtualNetwork.id`).
    pub fn parse_vnet_id(raw: &str, path: &str) -> Result<VnetRef> {
        match Scope::parse(raw) {
            Ok(Scope::VirtualNetwork(v)) => Ok(v),
            _ => Err(EmulatorError::LinkedInvalidPropertyId { id: names::printable(raw), path: path.to_string() }),
        }
    }

    pub fn subscription(&self) -> Option<Uuid> {
        match self {
            Scope::Root => None,
            Scope::Subscription(s) => Some(*s),
            Scope::ResourceGroup { subscription, .. } => Some(*subscription),
            Scope::VirtualNetwork(v) | Scope::VnetChild { vnet: v, .. } => Some(v.subscription),
            Scope::NetworkInterface(n) => Some(n.subscription),
        }
    }

    /// The canonical id, with the case of the names as given.
    pub fn id(&self) -> String {
        match self {
            Scope::Root => "/".into(),
            Scope::Subscription(s) => format!("/subscriptions/{s}"),
            Scope::ResourceGroup { subscription, resource_group } => {
                format!("/subscriptions/{subscription}/resourceGroups/{resource_group}")
            }
            Scope::VirtualNetwork(v) => v.id(),
            Scope::NetworkInterface(n) => n.id(),
            Scope::VnetChild { vnet, kind, name } => format!("{}/{kind}/{name}", vnet.id()),
        }
    }
}

/// The subscription a scope lies in, read from its first two segments (`None` for the root or a
/// scope that does not start with a subscription).
pub fn subscription_of(scope: &str) -> Option<Uuid> {
    let mut s = segments(scope);
    match (s.next(), s.next()) {
        (Some(first), Some(id)) if first.eq_ignore_ascii_case("subscriptions") => Uuid::parse_str(id).ok(),
        _ => None,
    }
}

/// The segments of a scope, for comparison: split on `/`, empty ones dropped.
fn segments(scope: &str) -> impl Iterator<Item = &str> {
    scope.split('/').filter(|s| !s.is_empty())
}

/// True when `scope` is `ancestor` or lies beneath it, compared segment by segment and ignoring case
/// (`/subscriptions/ab` is not an ancestor of `/subscriptions/abc`). Never a string-prefix test.
pub fn is_within(scope: &str, ancestor: &str) -> bool {
    let mut s = segments(scope);
    segments(ancestor).all(|a| s.next().is_some_and(|x| x.eq_ignore_ascii_case(a)))
}

/// True when two scopes name the same thing.
pub fn same(a: &str, b: &str) -> bool {
    segments(a).count() == segments(b).count() && is_within(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_scope_kind_and_keeps_case() {
        let s = "/subscriptions/aaaaaaaa-0000-0000-0000-000000000001/resourceGroups/My-RG/providers/Microsoft.Network/virtualNetworks/VNet1";
        let Scope::VirtualNetwork(v) = Scope::parse(s).unwrap() else { panic!() };
        assert_eq!(v.resource_group, "My-RG");
        assert_eq!(v.id(), s);
        assert_eq!(Scope::parse("/").unwrap(), Scope::Root);
        assert!(matches!(Scope::parse(&format!("{s}/virtualNetworkPeerings/p")).unwrap(), Scope::VnetChild { .. }));
        let nic = s.replace("virtualNetworks/VNet1", "networkInterfaces/Nic-1");
        assert!(matches!(Scope::parse(&nic).unwrap(), Scope::NetworkInterface(n) if n.id() == nic));
        assert!(Scope::parse(&format!("{nic}/ipConfigurations/ipconfig1")).is_err());
        assert!(matches!(
            Scope::parse(&s.to_uppercase().replace("AAAAAAAA", "aaaaaaaa")).unwrap(),
            Scope::VirtualNetwork(_)
        ));
    }

    #[test]
    fn rejects_malformed_ids() {
        for bad in ["", "subscriptions/x", "/subscriptions/not-a-guid", "/subscriptions//x", "/foo/bar"] {
            assert!(Scope::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ancestry_is_segment_wise_and_case_insensitive() {
        assert!(is_within("/subscriptions/ABC/resourceGroups/x", "/subscriptions/abc"));
        assert!(!is_within("/subscriptions/abcd", "/subscriptions/abc"));
        assert!(is_within("/subscriptions/abc", "/"));
        assert!(!is_within("/subscriptions/abc", "/subscriptions/abc/resourceGroups/x"));
        assert!(!is_within("/subscriptions/abc/resourceGroups/rgx", "/subscriptions/abc/resourceGroups/rg"));
        assert!(same("/subscriptions/ABC/", "/subscriptions/abc"));
    }

    #[test]
    fn the_subscription_of_a_scope_is_its_second_segment() {
        let s = "aaaaaaaa-0000-0000-0000-000000000001";
        let id = Some(Uuid::parse_str(s).unwrap());
        assert_eq!(subscription_of(&format!("/SUBSCRIPTIONS/{s}/resourceGroups/rg/anything/deeper")), id);
        assert_eq!(subscription_of(&format!("/subscriptions/{s}")), id);
        assert_eq!(subscription_of("/"), None);
        assert_eq!(subscription_of("/subscriptions/not-a-guid"), None);
        assert_eq!(subscription_of(&format!("/providers/{s}")), None);
    }

    #[test]
    fn a_name_cannot_carry_a_slash_into_another_segment() {
        let s = "aaaaaaaa-0000-0000-0000-000000000001";
        let rg = "rg-scoped/providers/Microsoft.Network/virtualNetworks/victim";
        let smuggled = ["subscriptions", s, "resourceGroups", rg];
        assert!(matches!(Scope::from_segments(&smuggled), Err(EmulatorError::InvalidResourceGroup { .. })));
        assert!(Scope::parse(&format!("/subscriptions/{s}/resourceGroups/a\nb")).is_err());
    }
}

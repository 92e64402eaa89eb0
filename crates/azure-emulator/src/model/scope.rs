//! ARM scopes and resource ids: parsing, canonical spelling, and the case-insensitive ancestry test
//! that RBAC inheritance (subscription → resource group → resource) rests on.

use crate::error::{EmulatorError, Result};
use uuid::Uuid;

pub const VNET_TYPE: &str = "Microsoft.Network/virtualNetworks";

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

impl VnetRef {
    pub fn id(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/{VNET_TYPE}/{}",
            self.subscription, self.resource_group, self.name
        )
    }
    /// The map key: ids compare case-insensitively.
    pub fn key(&self) -> String {
        self.id().to_ascii_lowercase()
    }
}

impl Scope {
    pub fn parse(raw: &str) -> Result<Scope> {
        let invalid = || EmulatorError::LinkedInvalidPropertyId { id: raw.to_string(), path: "scope".into() };
        let trimmed = raw.trim_end_matches('/');
        if trimmed.is_empty() {
            return if raw == "/" { Ok(Scope::Root) } else { Err(invalid()) };
        }
        let segments: Vec<&str> = trimmed.strip_prefix('/').ok_or_else(invalid)?.split('/').collect();
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
                Ok(Scope::ResourceGroup { subscription, resource_group: segments[3].to_string() })
            }
            8 | 10
                if eq(segments[2], "resourceGroups")
                    && eq(segments[4], "providers")
                    && eq(segments[5], "Microsoft.Network")
                    && eq(segments[6], "virtualNetworks") =>
            {
                let vnet =
                    VnetRef { subscription, resource_group: segments[3].to_string(), name: segments[7].to_string() };
                if segments.len() == 8 {
                    return Ok(Scope::VirtualNetwork(vnet));
                }
                let kind = if eq(segments[8], "subnets") {
                    "subnets"
                } else if eq(segments[8], "virtualNetworkPeerings") {
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
            _ => Err(EmulatorError::LinkedInvalidPropertyId { id: raw.to_string(), path: path.to_string() }),
        }
    }

    pub fn subscription(&self) -> Option<Uuid> {
        match self {
            Scope::Root => None,
            Scope::Subscription(s) => Some(*s),
            Scope::ResourceGroup { subscription, .. } => Some(*subscription),
            Scope::VirtualNetwork(v) | Scope::VnetChild { vnet: v, .. } => Some(v.subscription),
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
            Scope::VnetChild { vnet, kind, name } => format!("{}/{kind}/{name}", vnet.id()),
        }
    }
}

/// Lower-cased, without a trailing slash: the form scopes are compared in.
pub fn normalize(scope: &str) -> String {
    let t = scope.trim_end_matches('/');
    if t.is_empty() {
        "/".into()
    } else {
        t.to_ascii_lowercase()
    }
}

/// True when `scope` is `ancestor` or lies beneath it, segment-wise and ignoring case
/// (`/subscriptions/ab` is not an ancestor of `/subscriptions/abc`).
pub fn is_within(scope: &str, ancestor: &str) -> bool {
    let (s, a) = (normalize(scope), normalize(ancestor));
    if a == "/" {
        return true;
    }
    s == a || (s.starts_with(&a) && s.as_bytes().get(a.len()) == Some(&b'/'))
}

/// ARM's resource-name rule (1–80 characters, letters, digits, `_ . -`, not ending in `.` or `-`).
pub fn validate_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 80
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '(' | ')'))
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.ends_with('.')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(EmulatorError::InvalidResourceName(name.to_string()))
    }
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
    }
}

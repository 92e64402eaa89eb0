//! Azure's naming rules, per resource type. A name that passes never holds `/`, a control character
//! or anything a scope could be confused by, so resource ids stay one segment per name.

use crate::error::{EmulatorError, Result};

/// What each resource type accepts (Azure's documented naming rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// 1–90: letters, digits, `_ - . ( )`; not ending in `.`.
    ResourceGroup,
    /// 2–64: letters, digits, `_ . -`; begins with a letter or digit; ends with one or `_`.
    VirtualNetwork,
    /// 1–80, otherwise as a virtual network.
    Subnet,
    /// 1–80, otherwise as a virtual network.
    Peering,
    /// 1–80, otherwise as a virtual network.
    NetworkInterface,
    /// 1–80, otherwise as a virtual network.
    IpConfiguration,
}

impl NameKind {
    fn max(self) -> usize {
        match self {
            NameKind::ResourceGroup => 90,
            NameKind::VirtualNetwork => 64,
            NameKind::Subnet | NameKind::Peering | NameKind::NetworkInterface | NameKind::IpConfiguration => 80,
        }
    }
    fn min(self) -> usize {
        match self {
            NameKind::VirtualNetwork => 2,
            _ => 1,
        }
    }
    fn noun(self) -> &'static str {
        match self {
            NameKind::ResourceGroup => "resource group",
            NameKind::VirtualNetwork => "virtual network",
            NameKind::Subnet => "subnet",
            NameKind::Peering => "virtual network peering",
            NameKind::NetworkInterface => "network interface",
            NameKind::IpConfiguration => "IP configuration",
        }
    }
}

/// Letters and digits as ARM's `\w` sees them (Unicode letters included, symbols and emoji not).
fn word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

pub fn validate(kind: NameKind, name: &str) -> Result<()> {
    let len = name.chars().count();
    if kind == NameKind::ResourceGroup {
        let bad: String = name.chars().filter(|c| !(word(*c) || matches!(c, '-' | '.' | '(' | ')'))).collect();
        if len == 0 || len > kind.max() || !bad.is_empty() || name.ends_with('.') {
            return Err(EmulatorError::InvalidResourceGroup { name: printable(name), invalid: printable(&bad) });
        }
        return Ok(());
    }
    let ok = (kind.min()..=kind.max()).contains(&len)
        && name.chars().all(|c| word(c) || matches!(c, '.' | '-'))
        && name.chars().next().is_some_and(|c| c.is_alphanumeric())
        && name.chars().last().is_some_and(word);
    if ok {
        Ok(())
    } else {
        Err(EmulatorError::InvalidResourceName {
            name: printable(name),
            kind: kind.noun(),
            min: kind.min(),
            max: kind.max(),
        })
    }
}

/// Names are echoed in errors; control characters are shown escaped and long names cut, so an
/// error can neither forge lines in a log nor carry a megabyte back.
pub fn printable(s: &str) -> String {
    let mut out: String = s.chars().take(100).flat_map(char::escape_debug).collect();
    if s.chars().count() > 100 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_group_names_follow_azure() {
        for ok in ["rg", "My-RG_1.(x)", "a", &"r".repeat(90), "grüße"] {
            assert!(validate(NameKind::ResourceGroup, ok).is_ok(), "{ok}");
        }
        for bad in ["", "rg.", "a/b", "rg-scoped/child", "a\0b", "a\nb", "<script>", "../x", "🦀", &"r".repeat(91)] {
            assert!(
                matches!(validate(NameKind::ResourceGroup, bad), Err(EmulatorError::InvalidResourceGroup { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn network_names_follow_azure() {
        assert!(validate(NameKind::VirtualNetwork, "vnet-1_").is_ok());
        assert!(validate(NameKind::Peering, "p").is_ok());
        for bad in ["v", "-vnet", "vnet-", "vnet.", "a/b", "v(1)", "v n", &"v".repeat(65)] {
            assert!(validate(NameKind::VirtualNetwork, bad).is_err(), "{bad:?}");
        }
        assert!(validate(NameKind::Subnet, &"s".repeat(81)).is_err());
        for ok in ["n", "nic_", "Nic-1.a", &"n".repeat(80)] {
            assert!(validate(NameKind::NetworkInterface, ok).is_ok(), "{ok:?}");
        }
        for bad in ["", "-nic", "_nic", "nic-", "nic.", "a/b", "n i c", &"n".repeat(81)] {
            assert!(validate(NameKind::NetworkInterface, bad).is_err(), "{bad:?}");
        }
    }
}

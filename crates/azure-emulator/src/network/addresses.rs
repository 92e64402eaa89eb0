//! Private IPv4 addresses in a subnet as Azure hands them out: the first four addresses (network,
//! default gateway, two for Azure DNS) and the last (broadcast) are reserved; a dynamic address is
//! the lowest free one from `.4`, and a freed address is handed out again.

use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// Addresses Azure keeps at the start of every subnet.
const RESERVED_AT_START: u32 = 4;

/// The first and last address a NIC can take, or `None` when the subnet has none (a /30 or smaller).
pub fn usable(subnet: &Ipv4Net) -> Option<(u32, u32)> {
    let first = u32::from(subnet.network()).checked_add(RESERVED_AT_START)?;
    let last = u32::from(subnet.broadcast()).checked_sub(1)?;
    (first <= last).then_some((first, last))
}

/// True for an address of the subnet that Azure keeps for itself.
pub fn is_reserved(subnet: &Ipv4Net, ip: Ipv4Addr) -> bool {
    subnet.contains(&ip) && usable(subnet).is_none_or(|(first, last)| !(first..=last).contains(&u32::from(ip)))
}

/// The usable addresses `taken` does not hold, lowest first. It stops after at most as many steps
/// as there are taken addresses, whatever the subnet's size.
pub fn free(subnet: &Ipv4Net, taken: impl Fn(Ipv4Addr) -> bool) -> impl Iterator<Item = Ipv4Addr> {
    usable(subnet)
        .map(|(first, last)| first..=last)
        .into_iter()
        .flatten()
        .map(Ipv4Addr::from)
        .filter(move |a| !taken(*a))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    #[test]
    fn the_first_four_and_the_last_address_are_reserved() {
        let s = net("10.0.1.0/24");
        for r in ["10.0.1.0", "10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.255"] {
            assert!(is_reserved(&s, ip(r)), "{r}");
        }
        for ok in ["10.0.1.4", "10.0.1.100", "10.0.1.254"] {
            assert!(!is_reserved(&s, ip(ok)), "{ok}");
        }
        assert!(!is_reserved(&s, ip("10.0.2.1")), "outside the subnet is not its reserved range");
        assert_eq!(usable(&s).map(|(f, l)| l - f + 1), Some(251));
    }

    #[test]
    fn a_29_has_three_usable_addresses_and_a_30_none() {
        let s = net("10.0.0.8/29");
        let all: Vec<Ipv4Addr> = free(&s, |_| false).collect();
        assert_eq!(all, [ip("10.0.0.12"), ip("10.0.0.13"), ip("10.0.0.14")]);
        assert_eq!(free(&net("10.0.0.0/30"), |_| false).count(), 0);
        assert!(is_reserved(&net("10.0.0.0/30"), ip("10.0.0.2")));
        for tiny in ["10.0.0.0/31", "10.0.0.0/32", "0.0.0.0/32", "255.255.255.255/32", "255.255.255.252/30"] {
            assert_eq!(usable(&net(tiny)), None, "{tiny}");
        }
        let top: Vec<Ipv4Addr> = free(&net("255.255.255.248/29"), |_| false).collect();
        assert_eq!(top, [ip("255.255.255.252"), ip("255.255.255.253"), ip("255.255.255.254")]);
    }

    #[test]
    fn dynamic_takes_the_lowest_free_address() {
        let s = net("10.0.1.0/24");
        let taken = [ip("10.0.1.4"), ip("10.0.1.6")];
        let next: Vec<Ipv4Addr> = free(&s, |a| taken.contains(&a)).take(2).collect();
        assert_eq!(next, [ip("10.0.1.5"), ip("10.0.1.7")]);
    }
}

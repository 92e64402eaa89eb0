//! What the network on this machine should be, computed from the emulator's state alone: a
//! namespace per VNet (a bridge holding each subnet's gateway), a namespace per NIC (its address
//! on `eth0`, default route via its subnet's gateway), and a link between two VNets whose
//! peerings are both `Connected`, carrying routes only on a side that allows virtual network
//! access. The realizer makes the machine match; restarts rebuild the same plan.

use super::names::Names;
use crate::model::state::State;
use crate::network::resources::PeeringState;
use ipnet::{IpNet, Ipv4Net};
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// At most this many VNets and NICs get a namespace: a tenant creating thousands must not
/// exhaust the machine (each namespace costs kernel memory and a bridge). The first by id win, so
/// the choice is the same after a restart.
pub const MAX_VNETS: usize = 256;
pub const MAX_HOSTS: usize = 1024;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Topology {
    /// By namespace name.
    pub vnets: BTreeMap<String, VnetNs>,
    /// By namespace name.
    pub hosts: BTreeMap<String, HostNs>,
    /// VNets and NICs beyond the caps, left without a namespace.
    pub skipped: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VnetNs {
    /// Each subnet's gateway (`.1`) with the subnet's prefix length, on the bridge.
    pub gateways: Vec<Ipv4Net>,
    /// The VNet's own subnets: all that traffic arriving over a peering may reach (no transit).
    pub subnets: Vec<Ipv4Net>,
    /// Peered VNets' namespaces → the prefixes routed to them (empty: the link exists but this
    /// side may not send, `allowVirtualNetworkAccess=false`).
    pub peers: BTreeMap<String, Vec<Ipv4Net>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HostNs {
    pub vnet: String,
    pub address: Ipv4Net,
    pub gateway: Ipv4Addr,
}

fn v4(nets: &[IpNet]) -> Vec<Ipv4Net> {
    nets.iter().filter_map(|n| if let IpNet::V4(v) = n { Some(*v) } else { None }).collect()
}

/// The gateway Azure gives a subnet: its first host address.
fn gateway(subnet: &Ipv4Net) -> Option<Ipv4Addr> {
    u32::from(subnet.network()).checked_add(1).map(Ipv4Addr::from).filter(|g| subnet.contains(g))
}

pub fn desired(state: &State, names: &Names) -> Topology {
    let mut t = Topology::default();
    let realized: BTreeSet<&String> = state.virtual_networks.keys().take(MAX_VNETS).collect();
    let is_realized = |key: &String| realized.contains(key);
    t.skipped = state.virtual_networks.len() - realized.len();
    for (key, vnet) in state.virtual_networks.iter().take(MAX_VNETS) {
        let subnets: Vec<Ipv4Net> = v4(&vnet.subnets.iter().map(|s| s.address_prefix).collect::<Vec<_>>());
        let gateways =
            subnets.iter().filter_map(|s| gateway(s).and_then(|g| Ipv4Net::new(g, s.prefix_len()).ok())).collect();
        let mut peers = BTreeMap::new();
        for p in &vnet.peerings {
            let remote_key = p.remote.id().to_ascii_lowercase();
            let Some(remote) = state.virtual_networks.get(&remote_key).filter(|_| is_realized(&remote_key)) else {
                continue;
            };
            let back = remote.peerings.iter().find(|b| b.remote.id().eq_ignore_ascii_case(&vnet.vnet.id()));
            let both = p.state == PeeringState::Connected && back.is_some_and(|b| b.state == PeeringState::Connected);
            if !both {
                continue;
            }
            let routes = if p.flags.allow_virtual_network_access { v4(&remote.address_prefixes) } else { vec![] };
            peers.insert(names.vnet(&remote_key), routes);
        }
        t.vnets.insert(names.vnet(key), VnetNs { gateways, subnets, peers });
    }
    for (key, nic) in &state.network_interfaces {
        let Some(ipc) = nic.ip_configurations.first() else { continue };
        let vnet_key = ipc.subnet.vnet.id().to_ascii_lowercase();
        if t.hosts.len() == MAX_HOSTS {
            t.skipped += 1;
            continue;
        }
        let Some(vnet) = state.virtual_networks.get(&vnet_key).filter(|_| is_realized(&vnet_key)) else { continue };
        let Some(IpNet::V4(subnet)) = vnet.subnet(&ipc.subnet.name).map(|s| s.address_prefix) else { continue };
        let (Some(gw), Ok(address)) = (gateway(&subnet), Ipv4Net::new(ipc.private_ip_address, subnet.prefix_len()))
        else {
            continue;
        };
        t.hosts.insert(names.host(key), HostNs { vnet: names.vnet(&vnet_key), address, gateway: gw });
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::world::World;
    use serde_json::json;

    fn state(vnets: usize) -> State {
        let mut nets: Vec<_> = (0..vnets)
            .map(|i| {
                json!({"name": format!("v{i:03}"), "addressPrefixes": ["10.0.0.0/16"],
                            "subnets": [{"name": "s", "addressPrefix": "10.0.0.0/24"}]})
            })
            .collect();
        nets.push(json!({"name": "home", "addressPrefixes": ["10.9.0.0/16"],
                         "subnets": [{"name": "a", "addressPrefix": "10.9.0.0/24"}, {"name": "b", "addressPrefix": "10.9.1.0/24"}]}));
        let world: World = serde_json::from_value(json!({"tenants": [{"displayName": "t", "defaultDomain": "t.example",
            "subscriptions": [{"displayName": "s", "resourceGroups": [{"name": "rg", "virtualNetworks": nets,
                "networkInterfaces": [{"name": "vm1", "virtualNetwork": "home", "subnet": "a"},
                                      {"name": "vm2", "virtualNetwork": "home", "subnet": "b", "privateIpAddress": "10.9.1.9"}]}]}]}]}))
        .unwrap();
        let mut s = State::default();
        s.apply_world(&world, chrono::Utc::now()).unwrap();
        s
    }

    #[test]
    fn world_nics_are_hosts_on_their_subnets_gateway() {
        let names = Names::for_data_dir(std::path::Path::new("/nonexistent/plan-test"));
        let t = desired(&state(2), &names);
        let mut hosts: Vec<_> = t.hosts.values().map(|h| (h.address.to_string(), h.gateway.to_string())).collect();
        hosts.sort();
        assert_eq!(hosts, [("10.9.0.4/24".into(), "10.9.0.1".into()), ("10.9.1.9/24".into(), "10.9.1.1".into())]);
        let home = t.vnets.values().find(|v| v.subnets.len() == 2).expect("home VNet");
        assert_eq!(home.gateways.iter().map(|g| g.to_string()).collect::<Vec<_>>(), ["10.9.0.1/24", "10.9.1.1/24"]);
        assert!(t.vnets.values().all(|v| v.peers.is_empty()), "nothing is peered");
        assert_eq!(t.skipped, 0);
    }

    #[test]
    fn vnets_beyond_the_cap_get_no_namespace_and_the_choice_is_stable() {
        let names = Names::for_data_dir(std::path::Path::new("/nonexistent/plan-test"));
        let s = state(MAX_VNETS + 9);
        let (a, b) = (desired(&s, &names), desired(&s, &names));
        assert_eq!(a.vnets.len(), MAX_VNETS);
        assert_eq!(a.skipped, 10);
        assert_eq!(a, b);
    }
}

//! What the network on this machine should be, computed from the emulator's state alone: a
//! namespace per VNet (a bridge holding each subnet's gateway), a namespace per NIC (its address
//! on `eth0`, default route via its subnet's gateway), and a link between two VNets whose
//! peerings are both `Connected`, carrying routes only on a side that allows virtual network
//! access. The realizer makes the machine match; restarts rebuild the same plan.

use super::names::Names;
use crate::model::state::State;
use crate::network::resources::PeeringState;
use ipnet::{IpNet, Ipv4Net};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Topology {
    /// By namespace name.
    pub vnets: BTreeMap<String, VnetNs>,
    /// By namespace name.
    pub hosts: BTreeMap<String, HostNs>,
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
    for (key, vnet) in &state.virtual_networks {
        let subnets: Vec<Ipv4Net> = v4(&vnet.subnets.iter().map(|s| s.address_prefix).collect::<Vec<_>>());
        let gateways =
            subnets.iter().filter_map(|s| gateway(s).and_then(|g| Ipv4Net::new(g, s.prefix_len()).ok())).collect();
        let mut peers = BTreeMap::new();
        for p in &vnet.peerings {
            let remote_key = p.remote.id().to_ascii_lowercase();
            let Some(remote) = state.virtual_networks.get(&remote_key) else { continue };
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
        let Some(vnet) = state.virtual_networks.get(&vnet_key) else { continue };
        let Some(IpNet::V4(subnet)) = vnet.subnet(&ipc.subnet.name).map(|s| s.address_prefix) else { continue };
        let (Some(gw), Ok(address)) = (gateway(&subnet), Ipv4Net::new(ipc.private_ip_address, subnet.prefix_len()))
        else {
            continue;
        };
        t.hosts.insert(names.host(key), HostNs { vnet: names.vnet(&vnet_key), address, gateway: gw });
    }
    t
}

//! Makes the machine match a `Topology` with iproute2, changing only what differs from what was
//! applied before: a changed VNet or host namespace is rebuilt, a changed peering link is
//! replaced. Namespaces are created and entered only by name under this data dir's prefix; no
//! link ever goes to the host's own namespace.

use super::names::Names;
use super::plan::{HostNs, Topology, VnetNs};
use std::process::Command;

/// The routing table that traffic arriving over a peering looks up: the VNet's own subnets and
/// `unreachable` for everything else, so a VNet never forwards one peer's traffic to another.
const LOCAL_ONLY: &str = "100";

fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip").args(args).output().map_err(|e| format!("ip {}: {e}", args.join(" ")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("ip {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()))
    }
}

fn sysctl(ns: &str, key: &str) -> Result<(), String> {
    ip(&["netns", "exec", ns, "sysctl", "-qw", &format!("{key}=1")])
}

/// The namespaces under `prefix` that exist now.
pub fn existing(prefix: &str) -> Vec<String> {
    let out = Command::new("ip").args(["netns", "list"]).output();
    let text = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| n.starts_with(&format!("{prefix}-")))
        .map(str::to_string)
        .collect()
}

/// Removes a namespace and ends what runs in it (a namespace outlives its name while a process
/// holds it, with its links).
fn delete(ns: &str) {
    if let Ok(out) = Command::new("ip").args(["netns", "pids", ns]).output() {
        for pid in String::from_utf8_lossy(&out.stdout).split_whitespace() {
            let _ = Command::new("kill").args(["-KILL", pid]).status();
        }
    }
    if let Err(e) = ip(&["netns", "delete", ns]) {
        tracing::warn!(namespace = ns, error = %e, "removing a namespace failed");
    }
}

/// Removes every namespace of this data dir (at start after a crash, and at shutdown).
pub fn sweep(names: &Names) {
    for ns in existing(names.prefix()) {
        delete(&ns);
    }
}

fn create_vnet(ns: &str, v: &VnetNs) -> Result<(), String> {
    ip(&["netns", "add", ns])?;
    ip(&["-n", ns, "link", "set", "lo", "up"])?;
    ip(&["-n", ns, "link", "add", "br0", "type", "bridge"])?;
    ip(&["-n", ns, "link", "set", "br0", "up"])?;
    sysctl(ns, "net.ipv4.ip_forward")?;
    for g in &v.gateways {
        ip(&["-n", ns, "addr", "add", &g.to_string(), "dev", "br0"])?;
    }
    for s in &v.subnets {
        ip(&["-n", ns, "route", "add", &s.to_string(), "dev", "br0", "table", LOCAL_ONLY])?;
    }
    ip(&["-n", ns, "route", "add", "unreachable", "default", "table", LOCAL_ONLY])
}

fn create_host(ns: &str, h: &HostNs) -> Result<(), String> {
    let outside = Names::link_to(ns, 'h');
    ip(&["netns", "add", ns])?;
    ip(&["-n", ns, "link", "set", "lo", "up"])?;
    ip(&["link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", &outside, "netns", &h.vnet])?;
    ip(&["-n", ns, "addr", "add", &h.address.to_string(), "dev", "eth0"])?;
    ip(&["-n", ns, "link", "set", "eth0", "up"])?;
    ip(&["-n", ns, "route", "add", "default", "via", &h.gateway.to_string()])?;
    ip(&["-n", &h.vnet, "link", "set", &outside, "master", "br0", "up"])
}

/// One side of a peering link: up, answering ARP for its VNet, routes to what it may reach, and
/// arriving traffic confined to the VNet's own subnets.
fn link_side(ns: &str, ifname: &str, routes: &[ipnet::Ipv4Net]) -> Result<(), String> {
    ip(&["-n", ns, "link", "set", ifname, "up"])?;
    sysctl(ns, &format!("net.ipv4.conf.{ifname}.proxy_arp"))?;
    for r in routes {
        ip(&["-n", ns, "route", "add", &r.to_string(), "dev", ifname])?;
    }
    ip(&["-n", ns, "rule", "add", "iif", ifname, "lookup", LOCAL_ONLY, "pref", LOCAL_ONLY])
}

fn create_link(a: &str, b: &str, routes_a: &[ipnet::Ipv4Net], routes_b: &[ipnet::Ipv4Net]) -> Result<(), String> {
    let (ia, ib) = (Names::link_to(b, 'p'), Names::link_to(a, 'p'));
    ip(&["link", "add", &ia, "netns", a, "type", "veth", "peer", "name", &ib, "netns", b])?;
    link_side(a, &ia, routes_a)?;
    link_side(b, &ib, routes_b)
}

/// Removes the rule confining arrivals over a (gone) link: a rule naming an interface outlives it,
/// detached, and would refuse the rule of the next link to that VNet (`File exists`).
fn forget_rule(ns: &str, ifname: &str) {
    let _ = ip(&["-n", ns, "rule", "del", "iif", ifname, "lookup", LOCAL_ONLY, "pref", LOCAL_ONLY]);
}

fn delete_link(a: &str, b: &str) {
    // Deleting one end of a veth pair deletes both.
    let _ = ip(&["-n", a, "link", "delete", &Names::link_to(b, 'p')]);
    forget_rule(a, &Names::link_to(b, 'p'));
    forget_rule(b, &Names::link_to(a, 'p'));
}

/// What has been applied, and how to change it into what is wanted.
pub struct Realizer {
    names: Names,
    applied: Topology,
}

impl Realizer {
    /// Starts from nothing: whatever this data dir left behind (a `kill -9`) is removed first.
    pub fn new(names: Names) -> Realizer {
        sweep(&names);
        Realizer { names, applied: Topology::default() }
    }

    pub fn apply(&mut self, want: &Topology) {
        let applied = &mut self.applied;
        // VNets gone or renumbered: their namespace goes, taking its links and hosts' cables along.
        let stale: Vec<String> = applied
            .vnets
            .iter()
            .filter(|(ns, v)| want.vnets.get(*ns).is_none_or(|w| w.gateways != v.gateways || w.subnets != v.subnets))
            .map(|(ns, _)| ns.clone())
            .collect();
        for ns in &stale {
            delete(ns);
            applied.vnets.remove(ns);
            for (other, v) in applied.vnets.iter_mut() {
                if v.peers.remove(ns).is_some() {
                    forget_rule(other, &Names::link_to(ns, 'p'));
                }
            }
            let cut: Vec<String> =
                applied.hosts.iter().filter(|(_, h)| &h.vnet == ns).map(|(n, _)| n.clone()).collect();
            for h in cut {
                delete(&h);
                applied.hosts.remove(&h);
            }
        }
        // Hosts gone or moved.
        let stale: Vec<String> =
            applied.hosts.iter().filter(|(ns, h)| want.hosts.get(*ns) != Some(h)).map(|(ns, _)| ns.clone()).collect();
        for ns in stale {
            delete(&ns);
            applied.hosts.remove(&ns);
        }
        // Peering links gone or changed (both ends are replaced together).
        let mut cut = Vec::new();
        for (a, v) in &applied.vnets {
            for (b, routes) in &v.peers {
                let wanted = want.vnets.get(a).and_then(|w| w.peers.get(b));
                let back = want.vnets.get(b).and_then(|w| w.peers.get(a));
                let back_applied = applied.vnets.get(b).and_then(|w| w.peers.get(a));
                if wanted != Some(routes) || back != back_applied {
                    cut.push((a.clone(), b.clone()));
                }
            }
        }
        for (a, b) in cut {
            delete_link(&a, &b);
            for (x, y) in [(&a, &b), (&b, &a)] {
                if let Some(v) = applied.vnets.get_mut(x) {
                    v.peers.remove(y);
                }
            }
        }
        // New VNets (without links yet).
        for (ns, v) in &want.vnets {
            if applied.vnets.contains_key(ns) {
                continue;
            }
            match create_vnet(ns, v) {
                Ok(()) => {
                    applied.vnets.insert(ns.clone(), VnetNs { peers: Default::default(), ..v.clone() });
                }
                Err(e) => {
                    tracing::warn!(namespace = ns.as_str(), error = %e, "building a VNet's namespace failed; retrying");
                    delete(ns);
                }
            }
        }
        // New links, each pair once.
        for (a, v) in &want.vnets {
            for (b, routes_a) in &v.peers {
                let Some(routes_b) = want.vnets.get(b).and_then(|w| w.peers.get(a)) else { continue };
                let have = applied.vnets.get(a).is_some_and(|x| x.peers.contains_key(b));
                if a >= b || have || !applied.vnets.contains_key(a) || !applied.vnets.contains_key(b) {
                    continue;
                }
                match create_link(a, b, routes_a, routes_b) {
                    Ok(()) => {
                        applied.vnets.get_mut(a).map(|x| x.peers.insert(b.clone(), routes_a.clone()));
                        applied.vnets.get_mut(b).map(|x| x.peers.insert(a.clone(), routes_b.clone()));
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "building a peering link failed; retrying");
                        delete_link(a, b);
                    }
                }
            }
        }
        // New hosts.
        for (ns, h) in &want.hosts {
            if applied.hosts.contains_key(ns) || !applied.vnets.contains_key(&h.vnet) {
                continue;
            }
            match create_host(ns, h) {
                Ok(()) => {
                    applied.hosts.insert(ns.clone(), h.clone());
                }
                Err(e) => {
                    tracing::warn!(namespace = ns.as_str(), error = %e, "building a host's namespace failed; retrying");
                    delete(ns);
                }
            }
        }
    }

    /// Removes everything (shutdown).
    pub fn clear(&mut self) {
        sweep(&self.names);
        self.applied = Topology::default();
    }
}

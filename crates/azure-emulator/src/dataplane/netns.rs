//! Makes the machine match a `Topology` with iproute2, changing only what differs from what was
//! applied before: a changed VNet or host namespace is rebuilt, a changed peering link is
//! replaced. Namespaces are created and entered only by name under this data dir's prefix; no
//! link ever goes to the host's own namespace.
//!
//! Why `ip` processes rather than netlink from this process: as a normal user the namespaces live
//! inside a user namespace, and Linux lets no multi-threaded process (the emulator is one) enter a
//! user namespace (`setns` fails with EINVAL), so a helper process is needed either way; `ip` is
//! that helper, already on every machine, and what a developer would type to look. The cost is a
//! process per step (about 2 ms): a new peering link is ~10 steps.

use super::access::Access;
use super::names::Names;
use super::plan::{HostNs, Topology, VnetNs};

/// The routing table that traffic arriving over a peering looks up: the VNet's own subnets and
/// `unreachable` for everything else, so a VNet never forwards one peer's traffic to another.
const LOCAL_ONLY: &str = "100";

/// Runs `ip` commands as `Access` says.
#[derive(Debug, Clone)]
pub struct Ip(pub Access);

impl Ip {
    fn run(&self, args: &[&str]) -> Result<(), String> {
        let out = self.0.command("ip").args(args).output().map_err(|e| format!("ip {}: {e}", args.join(" ")))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!("ip {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()))
        }
    }

    /// Sets kernel settings (`key=value`) inside a namespace, in one process.
    fn sysctl(&self, ns: &str, settings: &[String]) -> Result<(), String> {
        let mut args = vec!["netns", "exec", ns, "sysctl", "-qw"];
        args.extend(settings.iter().map(String::as_str));
        self.run(&args)
    }

    /// The namespaces under `prefix` that exist now.
    pub fn existing(&self, prefix: &str) -> Vec<String> {
        let out = self.0.command("ip").args(["netns", "list"]).output();
        let text = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
        text.lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|n| n.starts_with(&format!("{prefix}-")))
            .map(str::to_string)
            .collect()
    }

    /// Removes a namespace and ends what runs in it (a namespace outlives its name while a
    /// process holds it, with its links).
    fn delete(&self, ns: &str) {
        if let Ok(out) = self.0.command("ip").args(["netns", "pids", ns]).output() {
            for pid in String::from_utf8_lossy(&out.stdout).split_whitespace() {
                let _ = std::process::Command::new("kill").args(["-KILL", pid]).status();
            }
        }
        if let Err(e) = self.run(&["netns", "delete", ns]) {
            tracing::warn!(namespace = ns, error = %e, "removing a namespace failed");
        }
    }

    /// Removes every namespace of this data dir (at start after a crash, and at shutdown).
    pub fn sweep(&self, names: &Names) {
        for ns in self.existing(names.prefix()) {
            self.delete(&ns);
        }
    }
}

/// The root-mode namespaces under `prefix` (tests and tools running as root).
pub fn existing(prefix: &str) -> Vec<String> {
    Ip(Access::Direct).existing(prefix)
}

/// Removes this data dir's root-mode namespaces (tests' clean-up guards).
pub fn sweep(names: &Names) {
    Ip(Access::Direct).sweep(names)
}

fn create_vnet(ip: &Ip, ns: &str, v: &VnetNs) -> Result<(), String> {
    ip.run(&["netns", "add", ns])?;
    ip.run(&["-n", ns, "link", "set", "lo", "up"])?;
    ip.run(&["-n", ns, "link", "add", "br0", "type", "bridge"])?;
    ip.run(&["-n", ns, "link", "set", "br0", "up"])?;
    ip.sysctl(ns, &["net.ipv4.ip_forward=1".into()])?;
    for g in &v.gateways {
        ip.run(&["-n", ns, "addr", "add", &g.to_string(), "dev", "br0"])?;
    }
    for s in &v.subnets {
        ip.run(&["-n", ns, "route", "add", &s.to_string(), "dev", "br0", "table", LOCAL_ONLY])?;
    }
    ip.run(&["-n", ns, "route", "add", "unreachable", "default", "table", LOCAL_ONLY])
}

/// Changes a VNet's subnets in place, so its hosts and their connections live on (as adding a
/// subnet in Azure leaves running VMs alone).
fn renumber_vnet(ip: &Ip, ns: &str, from: &VnetNs, to: &VnetNs) -> Result<(), String> {
    for g in from.gateways.iter().filter(|g| !to.gateways.contains(g)) {
        ip.run(&["-n", ns, "addr", "del", &g.to_string(), "dev", "br0"])?;
    }
    for s in from.subnets.iter().filter(|s| !to.subnets.contains(s)) {
        ip.run(&["-n", ns, "route", "del", &s.to_string(), "dev", "br0", "table", LOCAL_ONLY])?;
    }
    for g in to.gateways.iter().filter(|g| !from.gateways.contains(g)) {
        ip.run(&["-n", ns, "addr", "add", &g.to_string(), "dev", "br0"])?;
    }
    for s in to.subnets.iter().filter(|s| !from.subnets.contains(s)) {
        ip.run(&["-n", ns, "route", "add", &s.to_string(), "dev", "br0", "table", LOCAL_ONLY])?;
    }
    Ok(())
}

fn create_host(ip: &Ip, ns: &str, h: &HostNs) -> Result<(), String> {
    let outside = Names::link_to(ns, 'h');
    ip.run(&["netns", "add", ns])?;
    ip.run(&["-n", ns, "link", "set", "lo", "up"])?;
    ip.run(&["link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", &outside, "netns", &h.vnet])?;
    // The VNet's end first: a packet sent before it is up would wait a second for ARP to retry.
    ip.run(&["-n", &h.vnet, "link", "set", &outside, "master", "br0", "up"])?;
    ip.run(&["-n", ns, "addr", "add", &h.address.to_string(), "dev", "eth0"])?;
    ip.run(&["-n", ns, "link", "set", "eth0", "up"])?;
    ip.run(&["-n", ns, "route", "add", "default", "via", &h.gateway.to_string()])
}

/// One end of a peering link, up and answering ARP for its VNet at once (the kernel otherwise
/// delays a proxied answer by up to 0.8 s, twice per new path).
fn link_up(ip: &Ip, ns: &str, ifname: &str) -> Result<(), String> {
    ip.run(&["-n", ns, "link", "set", ifname, "up"])?;
    let arp = [format!("net.ipv4.conf.{ifname}.proxy_arp=1"), format!("net.ipv4.neigh.{ifname}.proxy_delay=0")];
    ip.sysctl(ns, &arp)
}

/// Routes over one end to what its VNet may reach, and arriving traffic confined to the VNet's
/// own subnets. A side that may not access the other (no routes) drops every arrival too: in
/// Azure the remote space then leaves the VirtualNetwork tag, and the default NSG rules deny it
/// both ways, datagrams included.
fn link_routes(ip: &Ip, ns: &str, ifname: &str, routes: &[ipnet::Ipv4Net]) -> Result<(), String> {
    for r in routes {
        ip.run(&["-n", ns, "route", "add", &r.to_string(), "dev", ifname])?;
    }
    forget_rule(ip, ns, ifname);
    let arrivals: &[&str] = if routes.is_empty() { &["blackhole"] } else { &["lookup", LOCAL_ONLY] };
    let mut rule = vec!["-n", ns, "rule", "add", "iif", ifname, "pref", LOCAL_ONLY];
    rule.extend_from_slice(arrivals);
    ip.run(&rule)
}

/// Both ends answer ARP before either routes anything over the link: a packet routed into a
/// link whose far end is still down starts an ARP lookup the kernel retries only after a second.
fn create_link(
    ip: &Ip,
    a: &str,
    b: &str,
    routes_a: &[ipnet::Ipv4Net],
    routes_b: &[ipnet::Ipv4Net],
) -> Result<(), String> {
    let (ia, ib) = (Names::link_to(b, 'p'), Names::link_to(a, 'p'));
    ip.run(&["link", "add", &ia, "netns", a, "type", "veth", "peer", "name", &ib, "netns", b])?;
    link_up(ip, a, &ia)?;
    link_up(ip, b, &ib)?;
    link_routes(ip, a, &ia, routes_a)?;
    link_routes(ip, b, &ib, routes_b)
}

/// Removes the rule confining arrivals over a (gone) link: a rule naming an interface outlives it,
/// detached, and would refuse the rule of the next link to that VNet (`File exists`).
fn forget_rule(ip: &Ip, ns: &str, ifname: &str) {
    let _ = ip.run(&["-n", ns, "rule", "del", "iif", ifname, "pref", LOCAL_ONLY]);
}

fn delete_link(ip: &Ip, a: &str, b: &str) {
    // Deleting one end of a veth pair deletes both.
    let _ = ip.run(&["-n", a, "link", "delete", &Names::link_to(b, 'p')]);
    forget_rule(ip, a, &Names::link_to(b, 'p'));
    forget_rule(ip, b, &Names::link_to(a, 'p'));
}

/// What has been applied, and how to change it into what is wanted.
pub struct Realizer {
    ip: Ip,
    names: Names,
    applied: Topology,
}

impl Realizer {
    /// Starts from nothing: whatever this data dir left behind (a `kill -9`) is removed first.
    pub fn new(ip: Ip, names: Names) -> Realizer {
        ip.sweep(&names);
        Realizer { ip, names, applied: Topology::default() }
    }

    /// Changes the machine towards `want`; false when a step failed (the caller tries again).
    pub fn apply(&mut self, want: &Topology) -> bool {
        let (ip, applied) = (&self.ip, &mut self.applied);
        let mut complete = true;
        // VNets whose subnets changed: in place; one that cannot be is rebuilt below.
        let mut stale = Vec::new();
        for (ns, v) in applied.vnets.iter_mut() {
            let Some(w) = want.vnets.get(ns) else { continue };
            if (&w.gateways, &w.subnets) == (&v.gateways, &v.subnets) {
                continue;
            }
            match renumber_vnet(ip, ns, v, w) {
                Ok(()) => (v.gateways, v.subnets) = (w.gateways.clone(), w.subnets.clone()),
                Err(e) => {
                    tracing::warn!(namespace = ns.as_str(), error = %e, "changing a VNet's subnets failed; rebuilding it");
                    stale.push(ns.clone());
                }
            }
        }
        // VNets gone (or not changed in place): their namespace goes, taking its links and hosts'
        // cables along.
        stale.extend(applied.vnets.keys().filter(|ns| !want.vnets.contains_key(*ns)).cloned());
        for ns in &stale {
            ip.delete(ns);
            applied.vnets.remove(ns);
            for (other, v) in applied.vnets.iter_mut() {
                if v.peers.remove(ns).is_some() {
                    forget_rule(ip, other, &Names::link_to(ns, 'p'));
                }
            }
            let cut: Vec<String> =
                applied.hosts.iter().filter(|(_, h)| &h.vnet == ns).map(|(n, _)| n.clone()).collect();
            for h in cut {
                ip.delete(&h);
                applied.hosts.remove(&h);
            }
        }
        // Hosts gone or moved.
        let stale: Vec<String> =
            applied.hosts.iter().filter(|(ns, h)| want.hosts.get(*ns) != Some(h)).map(|(ns, _)| ns.clone()).collect();
        for ns in stale {
            ip.delete(&ns);
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
            delete_link(ip, &a, &b);
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
            match create_vnet(ip, ns, v) {
                Ok(()) => {
                    applied.vnets.insert(ns.clone(), VnetNs { peers: Default::default(), ..v.clone() });
                }
                Err(e) => {
                    tracing::warn!(namespace = ns.as_str(), error = %e, "building a VNet's namespace failed; retrying");
                    complete = false;
                    ip.delete(ns);
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
                match create_link(ip, a, b, routes_a, routes_b) {
                    Ok(()) => {
                        applied.vnets.get_mut(a).map(|x| x.peers.insert(b.clone(), routes_a.clone()));
                        applied.vnets.get_mut(b).map(|x| x.peers.insert(a.clone(), routes_b.clone()));
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "building a peering link failed; retrying");
                        complete = false;
                        delete_link(ip, a, b);
                    }
                }
            }
        }
        // New hosts.
        for (ns, h) in &want.hosts {
            if applied.hosts.contains_key(ns) || !applied.vnets.contains_key(&h.vnet) {
                continue;
            }
            match create_host(ip, ns, h) {
                Ok(()) => {
                    applied.hosts.insert(ns.clone(), h.clone());
                }
                Err(e) => {
                    tracing::warn!(namespace = ns.as_str(), error = %e, "building a host's namespace failed; retrying");
                    complete = false;
                    ip.delete(ns);
                }
            }
        }
        complete
    }

    /// Removes everything (shutdown).
    pub fn clear(&mut self) {
        self.ip.sweep(&self.names);
        self.applied = Topology::default();
    }
}

//! The data plane with real packets (as root; the emulator runs with `--data-plane`): hosts in
//! VNets exchange TCP only across a peering both sides of which are Connected and allow virtual
//! network access, never transitively, and not once a side or a VNet is removed (open connections
//! included); overlapping VNets stay apart; a restart or a `kill -9` rebuilds the same network.
//! Every namespace a test's emulator makes is removed afterwards, also when an assertion fails.

mod common;
mod data_plane_support;

use common::*;
use data_plane_support::*;
use std::time::{Duration, Instant};

const RG: &str = "customer-rg";
const WAIT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn packets_cross_a_peering_only_while_both_sides_are_connected() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let emu = lab.start().await;
    let token = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let mut vnets = Vec::new();
    let mut servers = Vec::new();
    for (v, n) in [("a", 10), ("b", 20), ("c", 30)] {
        let (id, ip) = vnet_with_host(&emu, &token, RG, &format!("dp-{v}"), n, &format!("nic-{v}")).await;
        assert_eq!(ip, format!("10.{n}.0.4"));
        servers.push(serve(&emu, &format!("nic-{v}"), &ip, v).await);
        vnets.push(id);
    }
    let [a, b, c] = [&vnets[0], &vnets[1], &vnets[2]];

    assert!(!reaches(&emu, "nic-a", "10.20.0.4").await, "no peering: no path");
    peer(&emu, &token, a, "a-to-b", b, true).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!reaches(&emu, "nic-a", "10.20.0.4").await, "one side (Initiated) gives no path");
    peer(&emu, &token, b, "b-to-a", a, true).await;
    assert!(settles(&emu, "nic-a", "10.20.0.4", true, WAIT).await, "both sides Connected: a reaches b");
    assert_eq!(reply(&emu, "nic-b", "10.10.0.4").await.as_deref(), Some("a"), "and b reaches a");

    peer_both(&emu, &token, (b, "b"), (c, "c")).await;
    assert!(settles(&emu, "nic-b", "10.30.0.4", true, WAIT).await, "b reaches c");
    assert!(!reaches(&emu, "nic-a", "10.30.0.4").await, "peering is not transitive: a does not reach c");
    assert!(!reaches(&emu, "nic-c", "10.10.0.4").await, "nor c a");

    let started = Instant::now();
    delete(&emu, &token, &format!("{b}/virtualNetworkPeerings/b-to-a"), NET_API).await;
    assert!(settles(&emu, "nic-a", "10.20.0.4", false, Duration::from_secs(1)).await, "removal cuts the path");
    // A probe whose SYN the cut dropped waits out its 1 s timeout: this is an upper bound.
    eprintln!("path cut seen {} ms after the delete was sent", started.elapsed().as_millis());
    assert!(reaches(&emu, "nic-b", "10.30.0.4").await, "the other peering is untouched");
}

/// `allowVirtualNetworkAccess=false` on one side: the emulator gives that side no route to the
/// remote, so its hosts cannot connect out, and replies to connections from the other side have
/// no way back either. That is what Azure shows with default NSGs: the flag leaves the remote's
/// space out of the local VirtualNetwork tag, so AllowVnetOutBound and AllowVnetInBound both stop
/// matching and DenyAll applies in both directions.
#[tokio::test]
async fn a_side_without_virtual_network_access_connects_neither_way() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let emu = lab.start().await;
    let token = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let (a, b, ip_a, ip_b) = access_pair(&emu, &token).await;
    let _servers = [serve(&emu, "nic-a", &ip_a, "a").await, serve(&emu, "nic-b", &ip_b, "b").await];
    peer(&emu, &token, &a, "a-b", &b, false).await;
    peer(&emu, &token, &b, "b-a", &a, true).await;
    assert_eq!(emu.peering_state(&a, "a-b", &token).await, "Connected");
    lab.await_link(&a, &b).await;
    assert!(!reaches(&emu, "nic-a", &ip_b).await, "a may not access b");
    assert!(!reaches(&emu, "nic-b", &ip_a).await, "b's connections to a get no replies");
    assert!(!datagram_arrives(&emu, "nic-b", "nic-a", &ip_a).await, "nor do b's datagrams reach a");
    assert!(!datagram_arrives(&emu, "nic-a", "nic-b", &ip_b).await, "nor a's b");
}

async fn access_pair(emu: &Emu, token: &str) -> (String, String, String, String) {
    let a = vnet(emu, token, RG, "acc-a", &["10.71.0.0/16"], &[("s", "10.71.0.0/24")]).await;
    let b = vnet(emu, token, RG, "acc-b", &["10.72.0.0/16"], &[("s", "10.72.0.0/24")]).await;
    let (ip_a, ip_b) = (nic(emu, token, RG, "nic-a", &a, "s").await, nic(emu, token, RG, "nic-b", &b, "s").await);
    (a, b, ip_a, ip_b)
}

/// Changing `allowVirtualNetworkAccess` on a Connected peering takes effect both ways within 2 s
/// (the link is replaced: its confining `ip rule` must go with the old one).
#[tokio::test]
async fn virtual_network_access_changes_on_a_connected_peering() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let emu = lab.start().await;
    let token = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let (a, b, ip_a, ip_b) = access_pair(&emu, &token).await;
    let _servers = [serve(&emu, "nic-a", &ip_a, "a").await, serve(&emu, "nic-b", &ip_b, "b").await];
    peer_both(&emu, &token, (&a, "a"), (&b, "b")).await;
    assert!(settles(&emu, "nic-a", &ip_b, true, WAIT).await, "both sides allow: a reaches b");
    assert!(datagram_arrives(&emu, "nic-b", "nic-a", &ip_a).await, "datagrams cross too");

    peer(&emu, &token, &a, "a-b", &b, false).await;
    assert!(settles(&emu, "nic-a", &ip_b, false, Duration::from_secs(2)).await, "a may not access b");
    lab.await_link(&a, &b).await;
    assert!(!reaches(&emu, "nic-b", &ip_a).await, "b's connections to a get no replies");

    let started = Instant::now();
    peer(&emu, &token, &a, "a-b", &b, true).await;
    assert!(settles(&emu, "nic-a", &ip_b, true, Duration::from_secs(2)).await, "allowed again: a reaches b");
    assert_eq!(reply(&emu, "nic-b", &ip_a).await.as_deref(), Some("a"), "and b reaches a");
    eprintln!("path back (both ways) seen {} ms after the PUT was sent", started.elapsed().as_millis());

    peer(&emu, &token, &b, "b-a", &a, false).await;
    assert!(settles(&emu, "nic-b", &ip_a, false, Duration::from_secs(2)).await, "b may not access a");
    assert!(!reaches(&emu, "nic-a", &ip_b).await, "a's connections to b get no replies");
}

/// A peering deleted and made again (both sides, as Azure requires once one side is
/// Disconnected) carries packets again.
#[tokio::test]
async fn a_peering_made_again_carries_packets_again() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let emu = lab.start().await;
    let token = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let (a, b, ip_a, ip_b) = access_pair(&emu, &token).await;
    let _servers = [serve(&emu, "nic-a", &ip_a, "a").await, serve(&emu, "nic-b", &ip_b, "b").await];
    peer_both(&emu, &token, (&a, "a"), (&b, "b")).await;
    assert!(settles(&emu, "nic-a", &ip_b, true, WAIT).await);
    delete(&emu, &token, &format!("{b}/virtualNetworkPeerings/b-a"), NET_API).await;
    assert!(settles(&emu, "nic-a", &ip_b, false, Duration::from_secs(2)).await);
    peer_both(&emu, &token, (&a, "a"), (&b, "b")).await;
    assert!(settles(&emu, "nic-a", &ip_b, true, Duration::from_secs(2)).await, "the path is back");
}

/// Azure lets unpeered VNets share an address space: each is its own network, so the same
/// address names a different host in each, at the same time.
#[tokio::test]
async fn vnets_with_the_same_address_space_stay_apart() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let emu = lab.start().await;
    let token = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let mut servers = Vec::new();
    let mut ids = Vec::new();
    for x in ["x1", "x2"] {
        let id = vnet(&emu, &token, RG, x, &["10.50.0.0/16"], &[("s", "10.50.0.0/24")]).await;
        assert_eq!(nic(&emu, &token, RG, &format!("{x}-client"), &id, "s").await, "10.50.0.4");
        assert_eq!(nic(&emu, &token, RG, &format!("{x}-server"), &id, "s").await, "10.50.0.5");
        servers.push(serve(&emu, &format!("{x}-server"), "10.50.0.5", x).await);
        ids.push(id);
    }
    let (one, two) = tokio::join!(reply(&emu, "x1-client", "10.50.0.5"), reply(&emu, "x2-client", "10.50.0.5"));
    assert_eq!((one.as_deref(), two.as_deref()), (Some("x1"), Some("x2")), "each reaches its own .5");
    let (mut s1, mut s2) =
        tokio::join!(Stream::open(&emu, "x1-client", "10.50.0.5"), Stream::open(&emu, "x2-client", "10.50.0.5"));
    let (f1, f2) = tokio::join!(s1.flows_for(Duration::from_millis(500)), s2.flows_for(Duration::from_millis(500)));
    assert!(f1 && f2, "both connections flow at once");

    let y = vnet(&emu, &token, RG, "y-net", &["10.51.0.0/16"], &[("s", "10.51.0.0/24")]).await;
    let ip_y = nic(&emu, &token, RG, "y-host", &y, "s").await;
    servers.push(serve(&emu, "y-host", &ip_y, "y").await);
    peer_both(&emu, &token, (&y, "y"), (&ids[0], "x1")).await;
    assert!(settles(&emu, "y-host", "10.50.0.5", true, WAIT).await, "y reaches its peer");
    assert_eq!(reply(&emu, "y-host", "10.50.0.5").await.as_deref(), Some("x1"), "and only x1's .5");
    assert_eq!(reply(&emu, "x1-client", &ip_y).await.as_deref(), Some("y"));
    assert!(!reaches(&emu, "x2-client", &ip_y).await, "x2 is not peered with y");
    assert_eq!(reply(&emu, "x2-client", "10.50.0.5").await.as_deref(), Some("x2"), "x2 still reaches its own");
    assert!(s1.flows_for(Duration::from_millis(100)).await && s2.flows_for(Duration::from_millis(100)).await);
}

#[tokio::test]
async fn hosts_in_two_subnets_of_a_vnet_reach_each_other() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let emu = lab.start().await;
    let token = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let v = vnet(&emu, &token, RG, "two", &["10.60.0.0/16"], &[("s0", "10.60.0.0/24"), ("s1", "10.60.1.0/24")]).await;
    let ip0 = nic(&emu, &token, RG, "h0", &v, "s0").await;
    let ip1 = nic(&emu, &token, RG, "h1", &v, "s1").await;
    assert_eq!((ip0.as_str(), ip1.as_str()), ("10.60.0.4", "10.60.1.4"));
    let _servers = [serve(&emu, "h0", &ip0, "s0").await, serve(&emu, "h1", &ip1, "s1").await];
    assert_eq!(reply(&emu, "h0", &ip1).await.as_deref(), Some("s1"));
    assert_eq!(reply(&emu, "h1", &ip0).await.as_deref(), Some("s0"));
}

/// Azure adds a subnet to a VNet without disturbing the VMs already in it.
#[tokio::test]
async fn adding_a_subnet_leaves_running_hosts_alone() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let emu = lab.start().await;
    let token = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let v = vnet(&emu, &token, RG, "grow", &["10.61.0.0/16"], &[("s0", "10.61.0.0/24")]).await;
    let ip0 = nic(&emu, &token, RG, "h0", &v, "s0").await;
    nic(&emu, &token, RG, "h0-peer", &v, "s0").await;
    let mut server = serve(&emu, "h0", &ip0, "s0").await;
    let mut open = Stream::open(&emu, "h0-peer", &ip0).await;

    let url = format!("{v}/subnets/s1?{NET_API}");
    let body = serde_json::json!({"properties": {"addressPrefix": "10.61.1.0/24"}});
    let r = emu.arm(reqwest::Method::PUT, &url, &token, &[], Some(body)).await;
    assert!(r.status.is_success(), "{}", r.body);
    let ip1 = nic(&emu, &token, RG, "h1", &v, "s1").await;
    let _new = serve(&emu, "h1", &ip1, "s1").await;
    assert!(server.try_wait().expect("server").is_none(), "the server on the old host still runs");
    assert!(open.flows_for(Duration::from_millis(300)).await, "and its open connection still flows");
    assert_eq!(reply(&emu, "h0", &ip1).await.as_deref(), Some("s1"), "the old subnet's host reaches the new one's");
}

/// What is cut is cut for connections already open, too: a delete stops the packets of a flow,
/// not only new connections.
#[tokio::test]
async fn removals_stop_an_open_connection_within_a_second() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let emu = lab.start().await;
    let token = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let a = vnet(&emu, &token, RG, "open-a", &["10.81.0.0/16"], &[("s", "10.81.0.0/24")]).await;
    let b = vnet(&emu, &token, RG, "open-b", &["10.82.0.0/16"], &[("s", "10.82.0.0/24")]).await;
    // A VNet in a group of its own, deleted with it (a VNet with NICs cannot be deleted alone).
    group(&emu, &token, "doomed-rg").await;
    let c = vnet(&emu, &token, "doomed-rg", "open-c", &["10.83.0.0/16"], &[("s", "10.83.0.0/24")]).await;
    nic(&emu, &token, RG, "nic-a", &a, "s").await;
    let ip_b = nic(&emu, &token, RG, "nic-b", &b, "s").await;
    let ip_c = nic(&emu, &token, "doomed-rg", "nic-c", &c, "s").await;
    let _servers = [serve(&emu, "nic-b", &ip_b, "b").await, serve(&emu, "nic-c", &ip_c, "c").await];
    peer_both(&emu, &token, (&a, "a"), (&b, "b")).await;
    peer_both(&emu, &token, (&a, "a"), (&c, "c")).await;
    assert!(settles(&emu, "nic-a", &ip_b, true, WAIT).await);
    assert!(settles(&emu, "nic-a", &ip_c, true, WAIT).await);

    let mut to_b = Stream::open(&emu, "nic-a", &ip_b).await;
    let mut to_c = Stream::open(&emu, "nic-a", &ip_c).await;
    assert!(to_b.flows_for(Duration::from_millis(500)).await, "the connection to b flows");
    let sent = unix_now();
    delete(&emu, &token, &format!("{b}/virtualNetworkPeerings/b-a"), NET_API).await;
    let last = to_b.cut_within(Duration::from_secs(3)).await.expect("the connection to b stops");
    eprintln!("connection to b: last echo {:.0} ms after the peering's delete was sent", (last - sent) * 1000.0);
    assert!((-0.2..1.0).contains(&(last - sent)), "it flowed until the delete, and stopped within 1 s");
    assert!(!reaches(&emu, "nic-a", &ip_b).await, "and no new connection gets through");

    assert!(to_c.flows_for(Duration::from_millis(200)).await, "the connection to c is untouched");
    let sent = unix_now();
    delete(&emu, &token, &rg_id("doomed-rg"), "api-version=2021-04-01").await;
    let last = to_c.cut_within(Duration::from_secs(3)).await.expect("the connection to c stops");
    eprintln!("connection to c: last echo {:.0} ms after the group's delete was sent", (last - sent) * 1000.0);
    assert!((-0.2..1.0).contains(&(last - sent)), "it flowed until the delete, and stopped within 1 s");
    assert_eq!(emu.peering_state(&a, "a-c", &token).await, "Disconnected");
    // Its namespace is gone (the link's far end goes with it, once the kernel has cleaned up).
    assert!(!lab.has_vnet(&c), "the deleted VNet's namespace is gone");
}

/// Every host reaches every other one exactly when their VNets are `linked` (indices into `hosts`).
async fn matrix(emu: &Emu, hosts: &[(&str, &str)], linked: &[(usize, usize)]) {
    for (i, (from, _)) in hosts.iter().enumerate() {
        for (j, (_, ip)) in hosts.iter().enumerate() {
            if i == j {
                continue;
            }
            let want = linked.contains(&(i, j)) || linked.contains(&(j, i));
            let got = if want { settles(emu, from, ip, true, WAIT).await } else { reaches(emu, from, ip).await };
            assert_eq!(got, want, "{from} reaching {ip}");
        }
    }
}

/// The network is derived from the state alone: a graceful stop removes it, and a start on the
/// same data dir (after a stop or a `kill -9`, whose leftovers are swept first) builds it again.
#[tokio::test]
async fn restarts_rebuild_the_same_network() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let emu = lab.start().await;
    let token = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let mut hosts = Vec::new();
    let mut ids = Vec::new();
    for (v, n) in [("a", 91), ("b", 92), ("c", 93)] {
        let (id, ip) = vnet_with_host(&emu, &token, RG, &format!("re-{v}"), n, &format!("nic-{v}")).await;
        hosts.push((format!("nic-{v}"), ip));
        ids.push(id);
    }
    peer_both(&emu, &token, (&ids[0], "a"), (&ids[1], "b")).await;
    let hosts: Vec<(&str, &str)> = hosts.iter().map(|(n, ip)| (n.as_str(), ip.as_str())).collect();
    let servers = serve_all(&emu, &hosts).await;
    matrix(&emu, &hosts, &[(0, 1)]).await;
    let before = lab.namespaces();
    drop(servers);

    let status = emu.terminate().await;
    assert!(status.success(), "graceful exit: {status}");
    assert_eq!(lab.namespaces(), Vec::<String>::new(), "a graceful stop removes every namespace");

    let emu = lab.start().await;
    let mut servers = serve_all(&emu, &hosts).await;
    matrix(&emu, &hosts, &[(0, 1)]).await;
    assert_eq!(lab.namespaces(), before, "the same namespaces again");
    lab.mark_all();

    emu.kill9().await;
    assert_eq!(lab.namespaces(), before, "kill -9 leaves the namespaces behind");
    let emu = lab.start().await;
    // The start swept the leftovers, ending what ran in them, and built new (unmarked) namespaces.
    let swept = tokio::time::timeout(Duration::from_secs(5), servers[0].wait()).await;
    assert!(swept.is_ok(), "a process left running on a host is ended by the sweep");
    let _servers = serve_all(&emu, &hosts).await;
    matrix(&emu, &hosts, &[(0, 1)]).await;
    assert_eq!(lab.namespaces(), before);
    assert_eq!(lab.marked(), Vec::<String>::new(), "every namespace is new");
    servers.clear();
}

async fn serve_all(emu: &Emu, hosts: &[(&str, &str)]) -> Vec<tokio::process::Child> {
    let mut servers = Vec::new();
    for (n, ip) in hosts {
        servers.push(serve(emu, n, ip, n).await);
    }
    servers
}

//! The data plane with real packets (as root; the emulator runs with `--data-plane`): hosts in
//! VNets exchange TCP only across a peering both sides of which are Connected, never
//! transitively, and not once a side is removed. Every namespace the test's emulator makes is
//! removed afterwards, also when an assertion fails.

mod common;

use azure_emulator::dataplane::{names::Names, netns};
use common::*;
use reqwest::Method;
use serde_json::json;
use std::time::{Duration, Instant};
use tokio::process::Command;

/// Removes this data dir's namespaces when the test ends, however it ends.
struct Sweep(Names);

impl Drop for Sweep {
    fn drop(&mut self) {
        netns::sweep(&self.0);
    }
}

const SERVER: &str = "import socket,sys\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind((sys.argv[1],7000))\ns.listen()\nwhile True:\n c,_=s.accept()\n c.sendall(b'pong')\n c.close()\n";
const CLIENT: &str =
    "import socket,sys\nc=socket.create_connection((sys.argv[1],7000),timeout=1)\nassert c.recv(4)==b'pong'\n";

fn exec(emu: &Emu, nic: &str, script: &str, ip: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_isthmus"));
    cmd.args(["exec", "--nic", nic, "--data-dir"]).arg(&emu.dir).args(["--", "python3", "-c", script, ip]);
    cmd.kill_on_drop(true);
    cmd
}

async fn reaches(emu: &Emu, from: &str, ip: &str) -> bool {
    exec(emu, from, CLIENT, ip).output().await.map(|o| o.status.success()).unwrap_or(false)
}

/// Whether `from` reaches `ip` within `within` (the realizer applies changes every 200 ms).
async fn settles(emu: &Emu, from: &str, ip: &str, want: bool, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if reaches(emu, from, ip).await == want {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
    }
}

fn is_root() -> bool {
    azure_emulator::dataplane::unavailable().is_none()
}

#[tokio::test]
async fn packets_cross_a_peering_only_while_both_sides_are_connected() {
    if !is_root() {
        eprintln!("skipped: {}", azure_emulator::dataplane::unavailable().unwrap_or_default());
        return;
    }
    let emu = Emu::start_with(&["--data-plane"]).await;
    let _sweep = Sweep(Names::for_data_dir(&emu.dir));
    let token = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let rg = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg");
    let mut servers = Vec::new();
    for (v, n) in [("a", 10), ("b", 20), ("c", 30)] {
        let vnet = format!("{rg}/providers/Microsoft.Network/virtualNetworks/dp-{v}");
        let body = json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": [format!("10.{n}.0.0/16")]},
            "subnets": [{"name": "s", "properties": {"addressPrefix": format!("10.{n}.0.0/24")}}]}});
        let r = emu.arm(Method::PUT, &format!("{vnet}?{NET_API}"), &token, &[], Some(body)).await;
        assert!(r.status.is_success(), "{}", r.body);
        let nic = format!("{rg}/providers/Microsoft.Network/networkInterfaces/nic-{v}");
        let body = json!({"location": "westeurope", "properties": {"ipConfigurations": [{"name": "ipconfig1",
            "properties": {"subnet": {"id": format!("{vnet}/subnets/s")}, "privateIPAllocationMethod": "Dynamic"}}]}});
        let r = emu.arm(Method::PUT, &format!("{nic}?{NET_API}"), &token, &[], Some(body)).await;
        assert!(r.status.is_success(), "{}", r.body);
        let ip = format!("10.{n}.0.4");
        assert_eq!(r.body["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"], ip.as_str());
    }
    let vnet = |v: &str| format!("{rg}/providers/Microsoft.Network/virtualNetworks/dp-{v}");
    let wait = Duration::from_secs(5);
    // Hosts exist once the realizer has run; each listens on its own address.
    for (v, ip) in [("a", "10.10.0.4"), ("b", "10.20.0.4"), ("c", "10.30.0.4")] {
        let deadline = Instant::now() + wait;
        loop {
            if let Ok(child) = exec(&emu, &format!("nic-{v}"), SERVER, ip).spawn() {
                tokio::time::sleep(Duration::from_millis(300)).await;
                let mut child = child;
                if child.try_wait().ok().flatten().is_none() {
                    servers.push(child);
                    break;
                }
            }
            assert!(Instant::now() < deadline, "host nic-{v} never came up");
        }
    }

    assert!(!reaches(&emu, "nic-a", "10.20.0.4").await, "no peering: no path");
    let r = emu.put_peering(&vnet("a"), "a-to-b", &vnet("b"), &token, &[]).await;
    assert!(r.status.is_success(), "{}", r.body);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!reaches(&emu, "nic-a", "10.20.0.4").await, "one side (Initiated) gives no path");
    let r = emu.put_peering(&vnet("b"), "b-to-a", &vnet("a"), &token, &[]).await;
    assert!(r.status.is_success(), "{}", r.body);
    assert!(settles(&emu, "nic-a", "10.20.0.4", true, wait).await, "both sides Connected: a reaches b");
    assert!(reaches(&emu, "nic-b", "10.10.0.4").await, "and b reaches a");

    for (l, r, name) in [("b", "c", "b-to-c"), ("c", "b", "c-to-b")] {
        let reply = emu.put_peering(&vnet(l), name, &vnet(r), &token, &[]).await;
        assert!(reply.status.is_success(), "{}", reply.body);
    }
    assert!(settles(&emu, "nic-b", "10.30.0.4", true, wait).await, "b reaches c");
    assert!(!reaches(&emu, "nic-a", "10.30.0.4").await, "peering is not transitive: a does not reach c");
    assert!(!reaches(&emu, "nic-c", "10.10.0.4").await, "nor c a");

    let started = Instant::now();
    let path = format!("{}/virtualNetworkPeerings/b-to-a?{NET_API}", vnet("b"));
    let r = emu.arm(Method::DELETE, &path, &token, &[], None).await;
    assert!(r.status.is_success(), "{}", r.body);
    assert!(settles(&emu, "nic-a", "10.20.0.4", false, Duration::from_secs(1)).await, "removal cuts the path");
    eprintln!("path cut {} ms after the delete was sent", started.elapsed().as_millis());
    assert!(reaches(&emu, "nic-b", "10.30.0.4").await, "the other peering is untouched");
    drop(servers);
}

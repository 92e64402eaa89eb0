//! Helpers for the data-plane tests: VNets and NICs made over ARM, servers and clients run on the
//! hosts NICs stand for (`isthmus exec`), and a guard that removes the test's namespaces.
#![allow(dead_code)]

use crate::common::*;
use azure_emulator::dataplane::{names::Names, netns};
use reqwest::Method;
use serde_json::json;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

/// Why the data plane cannot run here (not root, no `ip`): the test is skipped.
pub fn skip() -> bool {
    match azure_emulator::dataplane::unavailable() {
        Some(why) => {
            eprintln!("skipped: {why}");
            true
        }
        None => false,
    }
}

/// One test at a time: timing assertions (a cut within 1 s) should not compete with another
/// test's emulator rebuilding namespaces on a small machine.
pub static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// What `Lab::mark_all` puts on each namespace's `lo` (a documentation address).
const MARK: &str = "192.0.2.99/32";

/// A data dir whose namespaces are removed when the test ends, however it ends. Declared before
/// the emulator, so dropped after it (an emulator that is still running could make more).
pub struct Lab {
    tmp: tempfile::TempDir,
    names: Names,
}

impl Lab {
    pub fn new() -> Lab {
        let tmp = tempfile::tempdir().expect("tempdir");
        let names = Names::for_data_dir(tmp.path());
        Lab { tmp, names }
    }

    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }

    /// The namespaces of this data dir that exist now, sorted.
    pub fn namespaces(&self) -> Vec<String> {
        let mut all = netns::existing(self.names.prefix());
        all.sort();
        all
    }

    /// An emulator with the two-tenant world and the data plane on this data dir.
    pub async fn start(&self) -> Emu {
        Emu::start_in_with(self.dir(), Some(&fixture("two-tenants.json")), &["--data-plane"]).await
    }

    /// Whether VNet `id` has a namespace.
    pub fn has_vnet(&self, id: &str) -> bool {
        self.namespaces().contains(&self.names.vnet(&id.to_ascii_lowercase()))
    }

    /// Whether the link from VNet `a`'s namespace to VNet `b`'s exists (both are ARM ids): what a
    /// test waits for before asserting that packets do not cross it.
    pub fn linked(&self, a: &str, b: &str) -> bool {
        let (a, b) = (self.names.vnet(&a.to_ascii_lowercase()), self.names.vnet(&b.to_ascii_lowercase()));
        let link = Names::link_to(&b, 'p');
        std::process::Command::new("ip")
            .args(["-n", &a, "link", "show", "dev", &link])
            .stderr(Stdio::null())
            .output()
            .is_ok_and(|o| o.status.success())
    }

    /// Puts a marker (an address on `lo`) in every namespace of this data dir, to tell them from
    /// namespaces built afterwards (inode numbers of namespaces are reused, names are too).
    pub fn mark_all(&self) {
        for ns in self.namespaces() {
            let ok = std::process::Command::new("ip").args(["-n", &ns, "addr", "add", MARK, "dev", "lo"]).status();
            assert!(ok.is_ok_and(|s| s.success()), "marking {ns}");
        }
    }

    /// The namespaces that carry the marker.
    pub fn marked(&self) -> Vec<String> {
        let has = |ns: &String| {
            let out = std::process::Command::new("ip").args(["-n", ns, "-o", "addr", "show", "dev", "lo"]).output();
            out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(MARK))
        };
        self.namespaces().into_iter().filter(has).collect()
    }

    /// Waits (up to 5 s) for the link between `a` and `b`.
    pub async fn await_link(&self, a: &str, b: &str) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !self.linked(a, b) {
            assert!(Instant::now() < deadline, "no link from {a} to {b}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        // A killed emulator's `ip` commands may still be finishing.
        std::thread::sleep(Duration::from_millis(200));
        netns::sweep(&self.names);
    }
}

pub fn rg_id(rg: &str) -> String {
    format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/{rg}")
}

fn vnet_in(rg: &str, name: &str) -> String {
    format!("{}/providers/Microsoft.Network/virtualNetworks/{name}", rg_id(rg))
}

pub async fn group(emu: &Emu, token: &str, rg: &str) {
    let body = json!({"location": "westeurope"});
    let r = emu.arm(Method::PUT, &format!("{}?api-version=2021-04-01", rg_id(rg)), token, &[], Some(body)).await;
    assert!(r.status.is_success(), "{}", r.body);
}

/// A VNet in `rg` with these prefixes and `(name, prefix)` subnets; returns its id.
pub async fn vnet(emu: &Emu, token: &str, rg: &str, name: &str, prefixes: &[&str], subnets: &[(&str, &str)]) -> String {
    let id = vnet_in(rg, name);
    let subnets: Vec<_> = subnets.iter().map(|(n, p)| json!({"name": n, "properties": {"addressPrefix": p}})).collect();
    let body = json!({"location": "westeurope",
        "properties": {"addressSpace": {"addressPrefixes": prefixes}, "subnets": subnets}});
    let r = emu.arm(Method::PUT, &format!("{id}?{NET_API}"), token, &[], Some(body)).await;
    assert!(r.status.is_success(), "{}", r.body);
    id
}

/// A NIC in `rg` with a dynamic address in `vnet`'s `subnet`; returns the address.
pub async fn nic(emu: &Emu, token: &str, rg: &str, name: &str, vnet: &str, subnet: &str) -> String {
    let url = format!("{}/providers/Microsoft.Network/networkInterfaces/{name}?{NET_API}", rg_id(rg));
    let body = json!({"location": "westeurope", "properties": {"ipConfigurations": [{"name": "ipconfig1",
        "properties": {"subnet": {"id": format!("{vnet}/subnets/{subnet}")}, "privateIPAllocationMethod": "Dynamic"}}]}});
    let r = emu.arm(Method::PUT, &url, token, &[], Some(body)).await;
    assert!(r.status.is_success(), "{}", r.body);
    r.body["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"].as_str().expect("address").into()
}

/// VNet `name` in `rg` (10.`n`.0.0/16, subnet `s` 10.`n`.0.0/24) with a host `nic_name` in it;
/// returns the VNet's id and the host's address.
pub async fn vnet_with_host(emu: &Emu, token: &str, rg: &str, name: &str, n: u8, nic_name: &str) -> (String, String) {
    let id = vnet(emu, token, rg, name, &[&format!("10.{n}.0.0/16")], &[("s", &format!("10.{n}.0.0/24"))]).await;
    let ip = nic(emu, token, rg, nic_name, &id, "s").await;
    (id, ip)
}

/// PUT the peering `local -> remote` with this `allowVirtualNetworkAccess`.
pub async fn peer(emu: &Emu, token: &str, local: &str, name: &str, remote: &str, allow: bool) {
    let body = json!({"properties": {"remoteVirtualNetwork": {"id": remote}, "allowVirtualNetworkAccess": allow}});
    let url = format!("{local}/virtualNetworkPeerings/{name}?{NET_API}");
    let r = emu.arm(Method::PUT, &url, token, &[], Some(body)).await;
    assert!(r.status.is_success(), "{}", r.body);
}

/// Both peerings between `a` and `b` (`a-b` on a, `b-a` on b), allowing access.
pub async fn peer_both(emu: &Emu, token: &str, (a, an): (&str, &str), (b, bn): (&str, &str)) {
    peer(emu, token, a, &format!("{an}-{bn}"), b, true).await;
    peer(emu, token, b, &format!("{bn}-{an}"), a, true).await;
}

pub async fn delete(emu: &Emu, token: &str, id: &str, api: &str) {
    let r = emu.arm(Method::DELETE, &format!("{id}?{api}"), token, &[], None).await;
    assert!(r.status.is_success(), "{}", r.body);
}

/// Sends its tag (argv 2) to whoever connects, then echoes: one thread per connection, so a
/// long-lived client does not block the probes.
pub const SERVER: &str = "import socket,sys,threading
s=socket.socket()
s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
s.bind((sys.argv[1],7000))
s.listen()
print('listening',flush=True)
def serve(c):
 try:
  c.sendall(sys.argv[2].encode()+b'\\n')
  while d:=c.recv(64): c.sendall(d)
 except OSError: pass
while True:
 c,_=s.accept()
 threading.Thread(target=serve,args=(c,),daemon=True).start()
";

/// Prints the tag of the server it reached; gives up after argv 2 seconds.
pub const CLIENT: &str = "import socket,sys
c=socket.create_connection((sys.argv[1],7000),timeout=float(sys.argv[2]))
print(c.makefile('rb').readline().decode().strip())
";

/// A long-lived connection: a byte every 50 ms, echoed; prints `open`, then `cut T` once an echo
/// does not come back within 500 ms (generous: a busy machine) (or the connection fails), T the time of the last echo.
const STREAM: &str = "import socket,sys,time
c=socket.create_connection((sys.argv[1],7000),timeout=1)
while c.recv(1)!=b'\\n': pass
c.settimeout(0.5)
print('open',flush=True)
last=time.time()
try:
 while True:
  c.sendall(b'x')
  if c.recv(1)!=b'x': break
  last=time.time()
  time.sleep(0.05)
except OSError: pass
print('cut',last,flush=True)
";

/// The interpreter itself, not a shim in front of it (pyenv's costs 150 ms a start).
fn python() -> &'static str {
    static PYTHON: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PYTHON.get_or_init(|| {
        let out = std::process::Command::new("python3").args(["-c", "import sys; print(sys.executable)"]).output();
        let path = out.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default();
        if path.is_empty() {
            "python3".into()
        } else {
            path
        }
    })
}

fn exec(emu: &Emu, nic: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_isthmus"));
    cmd.args(["exec", "--nic", nic, "--data-dir"]).arg(&emu.dir).arg("--").args(args);
    cmd.kill_on_drop(true).stdin(Stdio::null());
    cmd
}

/// Runs a server tagged `tag` on `nic`'s host, listening on `ip`, once the host exists (the
/// realizer makes it within a poll or two); it runs until the returned child is dropped.
pub async fn serve(emu: &Emu, nic: &str, ip: &str, tag: &str) -> Child {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut child = exec(emu, nic, &[python(), "-c", SERVER, ip, tag])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn isthmus exec");
        let mut out = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let line = tokio::time::timeout(Duration::from_secs(3), out.next_line()).await;
        if let Ok(Ok(Some(l))) = line {
            assert_eq!(l, "listening");
            return child;
        }
        assert!(Instant::now() < deadline, "host {nic} never came up to listen on {ip}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const UDP_SINK: &str = "import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind((sys.argv[1],7001))\nprint('ready',flush=True)\ns.settimeout(1.5)\ntry:\n s.recvfrom(16)\n print('got')\nexcept OSError:\n print('none')\n";
const UDP_SEND: &str = "import socket,sys,time\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\nfor _ in range(10):\n try: s.sendto(b'x',(sys.argv[1],7001))\n except OSError: pass\n time.sleep(0.05)\n";

/// Whether a datagram `from` sends to `to_ip` (on `to`'s host) arrives there.
pub async fn datagram_arrives(emu: &Emu, from: &str, to: &str, to_ip: &str) -> bool {
    let mut sink = exec(emu, to, &[python(), "-c", UDP_SINK, to_ip]).stdout(Stdio::piped()).spawn().expect("spawn");
    let mut out = BufReader::new(sink.stdout.take().expect("stdout")).lines();
    assert_eq!(out.next_line().await.expect("read").as_deref(), Some("ready"));
    let _ = exec(emu, from, &[python(), "-c", UDP_SEND, to_ip]).output().await;
    out.next_line().await.expect("read").as_deref() == Some("got")
}

/// The tag of the server `from` reaches at `ip` within `timeout` seconds, if it reaches one.
async fn probe(emu: &Emu, from: &str, ip: &str, timeout: &str) -> Option<String> {
    let out = exec(emu, from, &[python(), "-c", CLIENT, ip, timeout]).stderr(Stdio::null()).output().await.ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The tag of the server `from` reaches at `ip`, if it reaches one (a dropped SYN: within 1 s).
pub async fn reply(emu: &Emu, from: &str, ip: &str) -> Option<String> {
    probe(emu, from, ip, "1").await
}

pub async fn reaches(emu: &Emu, from: &str, ip: &str) -> bool {
    reply(emu, from, ip).await.is_some()
}

/// Whether `from`'s reaching `ip` becomes `want` within `within` (the realizer polls every 200 ms).
pub async fn settles(emu: &Emu, from: &str, ip: &str, want: bool, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    // Waiting for a path, a SYN sent while the link was being built is retried sooner than the
    // kernel would (1 s); waiting for a cut, a probe gets the full second.
    let timeout = if want { "0.3" } else { "1" };
    loop {
        if probe(emu, from, ip, timeout).await.is_some() == want {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
    }
}

/// A long-lived connection from `nic`'s host to the server at `ip`.
pub struct Stream {
    _child: Child,
    out: Lines<BufReader<ChildStdout>>,
}

impl Stream {
    pub async fn open(emu: &Emu, nic: &str, ip: &str) -> Stream {
        let mut child = exec(emu, nic, &[python(), "-c", STREAM, ip]).stdout(Stdio::piped()).spawn().expect("spawn");
        let mut out = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let first = tokio::time::timeout(Duration::from_secs(3), out.next_line()).await;
        assert!(matches!(&first, Ok(Ok(Some(l))) if l == "open"), "stream from {nic} to {ip}: {first:?}");
        Stream { _child: child, out }
    }

    /// Still flowing: no `cut` within `window`.
    pub async fn flows_for(&mut self, window: Duration) -> bool {
        tokio::time::timeout(window, self.out.next_line()).await.is_err()
    }

    /// The time (Unix seconds) of the last echo, once the client has seen the flow stop.
    pub async fn cut_within(&mut self, within: Duration) -> Option<f64> {
        let line = tokio::time::timeout(within, self.out.next_line()).await.ok()?.ok()??;
        line.strip_prefix("cut ").and_then(|t| t.parse().ok())
    }
}

pub fn unix_now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs_f64()
}

//! Data-plane benchmark (as root: VNets, NICs and peerings realized as network namespaces by
//! `isthmus emulator --data-plane`; without root it says why and exits 0):
//! - latency: from the HTTP response to the second side's peering PUT to the first successful TCP
//!   connect from a host in VNet A to a server in VNet B, median and p99 over N rounds (each
//!   round deletes one side, waits for the link to go, re-creates both sides). The client
//!   retrying the connect (every 5 ms, attempts overlapping) is started and has failed once
//!   before the PUT, and reports the wall-clock time of its success, so process start-up is not
//!   counted. `ip monitor` in both VNets' namespaces splits the figure into the realizer's wait
//!   (it wakes on the write), its `ip` commands, and what follows (ARP over the link; a part can come
//!   out negative, as the connect need not wait for the realizer's last rule);
//! - throughput: TCP host in A → server in B across the peering (host veth → bridge → peering
//!   veth → bridge → host veth), as a ratio to the same transfer between two namespaces joined by
//!   one veth pair (made here, `isthmus-bench-<pid>-…`), alternating, median of several.
//!
//!     cargo bench -p isthmus --bench data_plane
//!
//! Knobs (environment): `ISTHMUS_BENCH_ROUNDS` (latency rounds, default 30),
//! `ISTHMUS_BENCH_TRANSFERS` (transfers per path, default 5), `ISTHMUS_BENCH_MIB` (MiB per
//! transfer, default 1024). Traffic stays between namespaces on private addresses; every
//! namespace made (the emulator's and the bench's) is removed at the end, also after a failure.

#[path = "../tests/common/mod.rs"]
mod common;

use azure_emulator::dataplane::{names::Names, netns};
use common::*;
use reqwest::Method;
use serde_json::json;
use std::io::BufRead;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

/// Accepts and closes connections (the latency target); says when it listens.
const ACCEPTOR: &str = "import socket,sys\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind((sys.argv[1],int(sys.argv[2])))\ns.listen(64)\nprint('listening',flush=True)\nwhile True:\n c,_=s.accept()\n c.close()\n";

/// Starts a non-blocking connect every 5 ms (each kept up to 100 ms, so a slow answer still
/// counts); prints `ready` after the first failure and `ok <time.time()>` at the first success.
const RETRIER: &str = r#"import errno,select,socket,sys,time
ip,port=sys.argv[1],int(sys.argv[2])
pending={}
failed=False
def fail(s):
    global failed
    s.close()
    if not failed:
        failed=True
        print('ready',flush=True)
nxt=time.monotonic()
while True:
    now=time.monotonic()
    if now>=nxt:
        nxt=now+0.005
        s=socket.socket()
        s.setblocking(False)
        e=s.connect_ex((ip,port))
        if e==0:
            print('ok' if failed else 'stale',repr(time.time()),flush=True)
            sys.exit(0)
        if e==errno.EINPROGRESS:
            pending[s]=now
        else:
            fail(s)
    for s,t0 in list(pending.items()):
        if now-t0>0.1:
            del pending[s]
            fail(s)
    _,w,_=select.select([],list(pending),[],max(0.0,nxt-time.monotonic()))
    for s in w:
        if s.getsockopt(socket.SOL_SOCKET,socket.SO_ERROR)==0:
            print('ok' if failed else 'stale',repr(time.time()),flush=True)
            sys.exit(0)
        del pending[s]
        fail(s)
"#;

/// Counts the bytes of each connection, answers one byte at its end and prints the count.
const SINK: &str = "import socket,sys\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind((sys.argv[1],int(sys.argv[2])))\ns.listen()\nprint('listening',flush=True)\nb=bytearray(1<<20)\nwhile True:\n c,_=s.accept()\n n=0\n while True:\n  k=c.recv_into(b)\n  if not k: break\n  n+=k\n c.sendall(b'k')\n c.close()\n print(n,flush=True)\n";

/// Sends argv[3] MiB in 1 MiB `sendall`s and prints the seconds until the sink acknowledged all.
const SOURCE: &str = "import socket,sys,time\nb=bytes(1<<20)\ns=socket.create_connection((sys.argv[1],int(sys.argv[2])))\nt=time.perf_counter()\nfor _ in range(int(sys.argv[3])): s.sendall(b)\ns.shutdown(socket.SHUT_WR)\nassert s.recv(1)==b'k'\nprint(time.perf_counter()-t,flush=True)\n";

const LATENCY_PORT: &str = "7000";
const SINK_PORT: &str = "7001";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1).min(sorted.len() - 1)]
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

fn ip(args: &[&str]) -> bool {
    std::process::Command::new("ip").args(args).output().map(|o| o.status.success()).unwrap_or(false)
}

/// Ends a namespace's processes, then the namespace.
fn remove_ns(ns: &str) {
    if let Ok(out) = std::process::Command::new("ip").args(["netns", "pids", ns]).output() {
        for pid in String::from_utf8_lossy(&out.stdout).split_whitespace() {
            let _ = std::process::Command::new("kill").args(["-KILL", pid]).status();
        }
    }
    let _ = std::process::Command::new("ip").args(["netns", "delete", ns]).output();
}

/// The emulator, stopped by SIGTERM (it removes its namespaces then) and swept after, however the
/// bench ends.
struct Stack {
    emu: Option<Emu>,
    names: Names,
}

impl Drop for Stack {
    fn drop(&mut self) {
        if let Some(emu) = self.emu.take() {
            if let Some(pid) = emu.pid() {
                let _ = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status();
                let deadline = Instant::now() + Duration::from_secs(15);
                // Not reaped until `emu` drops: exited once a zombie.
                while Instant::now() < deadline {
                    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
                    if matches!(stat.rsplit_once(") ").and_then(|(_, r)| r.chars().next()), None | Some('Z' | 'X')) {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        }
        netns::sweep(&self.names);
    }
}

impl std::ops::Deref for Stack {
    type Target = Emu;
    fn deref(&self) -> &Emu {
        self.emu.as_ref().unwrap()
    }
}

/// Two namespaces joined by one veth pair: the reference path.
struct DirectPair {
    a: String,
    b: String,
}

impl DirectPair {
    const A: &'static str = "10.255.255.1";
    const B: &'static str = "10.255.255.2";

    fn create() -> DirectPair {
        let prefix = format!("isthmus-bench-{}", std::process::id());
        let pair = DirectPair { a: format!("{prefix}-a"), b: format!("{prefix}-b") };
        let (a, b) = (pair.a.as_str(), pair.b.as_str());
        for args in [
            &["netns", "add", a][..],
            &["netns", "add", b],
            &["link", "add", "eth0", "netns", a, "type", "veth", "peer", "name", "eth0", "netns", b],
            &["-n", a, "addr", "add", &format!("{}/30", Self::A), "dev", "eth0"],
            &["-n", b, "addr", "add", &format!("{}/30", Self::B), "dev", "eth0"],
            &["-n", a, "link", "set", "lo", "up"],
            &["-n", b, "link", "set", "lo", "up"],
            &["-n", a, "link", "set", "eth0", "up"],
            &["-n", b, "link", "set", "eth0", "up"],
        ] {
            assert!(ip(args), "ip {}", args.join(" "));
        }
        pair
    }
}

impl Drop for DirectPair {
    fn drop(&mut self) {
        remove_ns(&self.a);
        remove_ns(&self.b);
    }
}

/// A process whose stdout is read line by line.
struct Proc {
    _child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    what: String,
}

impl Proc {
    fn spawn(mut cmd: Command, what: &str) -> Proc {
        let mut child = cmd.stdout(Stdio::piped()).kill_on_drop(true).spawn().expect("spawn");
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        Proc { _child: child, lines, what: what.to_string() }
    }

    async fn line(&mut self, within: Duration) -> String {
        match tokio::time::timeout(within, self.lines.next_line()).await {
            Ok(Ok(Some(l))) => l,
            Ok(_) => panic!("{} ended without the expected output", self.what),
            Err(_) => panic!("{} printed nothing within {within:?}", self.what),
        }
    }
}

fn python_on_nic(dir: &std::path::Path, nic: &str, script: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_isthmus"));
    cmd.args(["exec", "--nic", nic, "--data-dir"]).arg(dir).args(["--", "python3", "-c", script]).args(args);
    cmd
}

fn python_in_ns(ns: &str, script: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", ns, "python3", "-c", script]).args(args);
    cmd
}

/// `ip monitor` in a namespace: each event with its time (seconds since the epoch).
struct Monitor {
    child: std::process::Child,
    events: Arc<Mutex<Vec<(f64, String)>>>,
}

impl Monitor {
    fn start(ns: &str) -> Monitor {
        let mut child = std::process::Command::new("ip")
            .args(["-ts", "-n", ns, "monitor", "link", "route", "rule", "neigh", "label"])
            .env("TZ", "UTC")
            .stdout(Stdio::piped())
            .spawn()
            .expect("ip monitor");
        let out = child.stdout.take().unwrap();
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = events.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                // "[2026-01-01T12:00:00.123456] [ROUTE]10.20.0.0/16 dev p… scope link"
                let Some((stamp, rest)) = line.strip_prefix('[').and_then(|l| l.split_once("] ")) else { continue };
                let Ok(t) = chrono::NaiveDateTime::parse_from_str(stamp, "%Y-%m-%dT%H:%M:%S%.f") else { continue };
                let t = t.and_utc().timestamp_micros() as f64 / 1e6;
                sink.lock().unwrap().push((t, rest.to_string()));
            }
        });
        Monitor { child, events }
    }

    fn take(&self) -> Vec<(f64, String)> {
        std::mem::take(&mut *self.events.lock().unwrap())
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One latency round's times, in ms after the PUT's response.
struct Round {
    connect: f64,
    link_created: f64,
    link_done: f64,
    arp_done: f64,
}

fn ms(t: f64, since: f64) -> f64 {
    (t - since) * 1000.0
}

#[tokio::main]
async fn main() {
    if let Some(why) = azure_emulator::dataplane::unavailable() {
        println!("data plane benchmark skipped: {why}");
        return;
    }
    let rounds = env_usize("ISTHMUS_BENCH_ROUNDS", 30).max(1);
    let transfers = env_usize("ISTHMUS_BENCH_TRANSFERS", 5).max(1);
    let mib = env_usize("ISTHMUS_BENCH_MIB", 1024).max(1);

    let emu = Emu::start_with(&["--data-plane"]).await;
    let names = Names::for_data_dir(&emu.dir);
    let stack = Stack { emu: Some(emu), names: names.clone() };
    let raised = json!({"throttling": {"writes": {"capacity": 100000, "refillPerSecond": 100000}, "reads": {"capacity": 100000, "refillPerSecond": 100000}}});
    let r = stack.admin(Method::PATCH, "knobs", Some(raised)).await;
    assert!(r.status.is_success(), "{}", r.body);
    let token = stack.user_token(CUSTOMER_ADMIN, ARM).await;
    let rg = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg");
    let vnet = |v: &str| format!("{rg}/providers/Microsoft.Network/virtualNetworks/bench-{v}");
    let nic = |v: &str| format!("{rg}/providers/Microsoft.Network/networkInterfaces/bench-nic-{v}");
    for (v, n) in [("a", 10), ("b", 20)] {
        let body = json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": [format!("10.{n}.0.0/16")]},
            "subnets": [{"name": "s", "properties": {"addressPrefix": format!("10.{n}.0.0/24")}}]}});
        let r = stack.arm(Method::PUT, &format!("{}?{NET_API}", vnet(v)), &token, &[], Some(body)).await;
        assert!(r.status.is_success(), "{}", r.body);
        let body = json!({"location": "westeurope", "properties": {"ipConfigurations": [{"name": "ipconfig1",
            "properties": {"subnet": {"id": format!("{}/subnets/s", vnet(v))}, "privateIPAllocationMethod": "Dynamic"}}]}});
        let r = stack.arm(Method::PUT, &format!("{}?{NET_API}", nic(v)), &token, &[], Some(body)).await;
        assert!(r.status.is_success(), "{}", r.body);
        assert_eq!(
            r.body["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"],
            format!("10.{n}.0.4")
        );
    }
    let (server_ip, dir) = ("10.20.0.4", stack.dir.clone());
    let ns_a = names.vnet(&vnet("a").to_ascii_lowercase());
    let ns_b = names.vnet(&vnet("b").to_ascii_lowercase());
    // The peering link's ends: in A's namespace named after B's, and the other way round.
    let (if_a, if_b) = (Names::link_to(&ns_b, 'p'), Names::link_to(&ns_a, 'p'));
    let host_b = names.host(&nic("b").to_ascii_lowercase());
    let deadline = Instant::now() + Duration::from_secs(10);
    while !netns::existing(names.prefix()).contains(&host_b) {
        assert!(Instant::now() < deadline, "the host of NIC b never came up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut acceptor =
        Proc::spawn(python_on_nic(&dir, "bench-nic-b", ACCEPTOR, &[server_ip, LATENCY_PORT]), "acceptor");
    assert_eq!(acceptor.line(Duration::from_secs(10)).await, "listening");
    let mut sink = Proc::spawn(python_on_nic(&dir, "bench-nic-b", SINK, &[server_ip, SINK_PORT]), "sink in B");
    assert_eq!(sink.line(Duration::from_secs(10)).await, "listening");
    let link_up = |ns: &str, ifname: &str| ip(&["-n", ns, "link", "show", "dev", ifname]);

    // Both sides once, so that every round starts from a Connected peering.
    for (l, r, name) in [("a", "b", "a-to-b"), ("b", "a", "b-to-a")] {
        let reply = stack.put_peering(&vnet(l), name, &vnet(r), &token, &[]).await;
        assert!(reply.status.is_success(), "{}", reply.body);
    }
    let (mon_a, mon_b) = (Monitor::start(&ns_a), Monitor::start(&ns_b));
    let mut results = Vec::new();
    for round in 0..rounds {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !link_up(&ns_a, &if_a) {
            assert!(Instant::now() < deadline, "round {round}: the peering link never came up");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let path = format!("{}/virtualNetworkPeerings/b-to-a?{NET_API}", vnet("b"));
        let r = stack.arm(Method::DELETE, &path, &token, &[], None).await;
        assert!(r.status.is_success(), "{}", r.body);
        let deadline = Instant::now() + Duration::from_secs(10);
        while link_up(&ns_a, &if_a) {
            assert!(Instant::now() < deadline, "round {round}: the peering link outlived the delete");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // a-to-b is Disconnected now: re-created it is Initiated, and b-to-a then connects both.
        let r = stack.put_peering(&vnet("a"), "a-to-b", &vnet("b"), &token, &[]).await;
        assert!(r.status.is_success(), "{}", r.body);
        let mut client =
            Proc::spawn(python_on_nic(&dir, "bench-nic-a", RETRIER, &[server_ip, LATENCY_PORT]), "connect retrier");
        assert_eq!(client.line(Duration::from_secs(10)).await, "ready", "round {round}: A reached B without a peering");
        mon_a.take();
        mon_b.take();
        let r = stack.put_peering(&vnet("b"), "b-to-a", &vnet("a"), &token, &[]).await;
        let put = now();
        assert!(r.status.is_success(), "{}", r.body);
        let ok = client.line(Duration::from_secs(10)).await;
        let connected: f64 = ok.strip_prefix("ok ").and_then(|t| t.parse().ok()).expect("ok <time>");
        tokio::time::sleep(Duration::from_millis(100)).await;
        let events: Vec<(f64, String)> = mon_a.take().into_iter().chain(mon_b.take()).collect();
        let on_link = |l: &str| l.contains(if_a.as_str()) || l.contains(if_b.as_str());
        let first =
            |pred: &dyn Fn(&str) -> bool| events.iter().filter(|(_, l)| pred(l)).map(|(t, _)| *t).reduce(f64::min);
        let last =
            |pred: &dyn Fn(&str) -> bool| events.iter().filter(|(_, l)| pred(l)).map(|(t, _)| *t).reduce(f64::max);
        let created = first(&|l| l.starts_with("[LINK]") && on_link(l)).unwrap_or(f64::NAN);
        // The realizer's last steps: a route to the peer and the rule keeping arrivals local, each side.
        let done = last(&|l| {
            (l.starts_with("[ROUTE]") && !l.contains("proto kernel") || l.starts_with("[RULE]"))
                && !l.contains("Deleted")
                && on_link(l)
        })
        .unwrap_or(f64::NAN);
        let arp = last(&|l| l.starts_with("[NEIGH]") && on_link(l) && l.contains("REACHABLE")).unwrap_or(f64::NAN);
        results.push(Round {
            connect: ms(connected, put),
            link_created: ms(created, put),
            link_done: ms(done, put),
            arp_done: ms(arp, put),
        });
    }
    drop((mon_a, mon_b));

    let connect = sorted(results.iter().map(|r| r.connect).collect());
    let med = |f: &dyn Fn(&Round) -> f64| percentile(&sorted(results.iter().map(f).collect()), 0.5);
    println!("data plane, {rounds} rounds: second peering PUT answered → first TCP connect A → B through the peering:");
    println!(
        "  median {:.0} ms, p99 {:.0} ms (min {:.0}, max {:.0}; the client retries every 5 ms)",
        percentile(&connect, 0.5),
        percentile(&connect, 0.99),
        connect[0],
        connect[connect.len() - 1]
    );
    println!(
        "  medians of its parts: the realizer's wait until it starts the link {:.0} ms, its ip commands for the \
         link {:.0} ms, then until ARP over the link has resolved both ways {:.0} ms, then until connected {:.0} ms",
        med(&|r| r.link_created),
        med(&|r| r.link_done - r.link_created),
        med(&|r| r.arp_done - r.link_done),
        med(&|r| r.connect - r.arp_done),
    );
    let p99 = |f: &dyn Fn(&Round) -> f64| percentile(&sorted(results.iter().map(f).collect()), 0.99);
    println!(
        "  p99s of its parts: {:.0} ms, {:.0} ms, {:.0} ms, {:.0} ms",
        p99(&|r| r.link_created),
        p99(&|r| r.link_done - r.link_created),
        p99(&|r| r.arp_done - r.link_done),
        p99(&|r| r.connect - r.arp_done),
    );

    // Throughput: the peering path against one veth pair, alternating.
    let pair = DirectPair::create();
    let mut direct_sink = Proc::spawn(python_in_ns(&pair.b, SINK, &[DirectPair::B, SINK_PORT]), "sink (direct)");
    assert_eq!(direct_sink.line(Duration::from_secs(10)).await, "listening");
    let mib_arg = mib.to_string();
    let (mut peered, mut direct) = (Vec::new(), Vec::new());
    for _ in 0..transfers {
        for via_peering in [true, false] {
            let (cmd, sink) = if via_peering {
                (python_on_nic(&dir, "bench-nic-a", SOURCE, &[server_ip, SINK_PORT, &mib_arg]), &mut sink)
            } else {
                (python_in_ns(&pair.a, SOURCE, &[DirectPair::B, SINK_PORT, &mib_arg]), &mut direct_sink)
            };
            let mut source = Proc::spawn(cmd, "source");
            let secs: f64 = source.line(Duration::from_secs(300)).await.parse().expect("seconds");
            let bytes: u64 = sink.line(Duration::from_secs(10)).await.parse().expect("byte count");
            assert_eq!(bytes, mib as u64 * (1 << 20), "the sink got every byte");
            let gbits = bytes as f64 * 8.0 / secs / 1e9;
            if via_peering { &mut peered } else { &mut direct }.push(gbits);
        }
    }
    let (p, d) = (percentile(&sorted(peered), 0.5), percentile(&sorted(direct), 0.5));
    println!("TCP throughput, {mib} MiB per transfer, median of {transfers} (alternating):");
    println!("  across the peering {p:.2} Gbit/s, one veth pair {d:.2} Gbit/s: ratio {:.2}", p / d);
    drop((direct_sink, sink, acceptor));
    let pair_names = [pair.a.clone(), pair.b.clone()];
    drop(pair);
    drop(stack);
    let mut left = netns::existing(names.prefix());
    let listed = std::process::Command::new("ip").args(["netns", "list"]).output().expect("ip netns list");
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    left.extend(
        listed
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|n| pair_names.iter().any(|p| p == n))
            .map(str::to_string),
    );
    assert!(left.is_empty(), "namespaces left behind: {left:?}");
}

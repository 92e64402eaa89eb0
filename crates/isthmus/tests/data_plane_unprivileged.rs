//! The data plane as a normal user (`nobody`, via `setpriv`): the emulator makes an unprivileged
//! user namespace and builds its VNets and hosts inside it, `isthmus exec` (also as `nobody`)
//! joins it, packets cross a peering only once both sides exist, the machine's own namespace list
//! never shows them, and a `kill -9` of the emulator takes them all along.

mod common;
mod data_plane_support;

use azure_emulator::dataplane::{access::Access, names::Names, netns};
use common::*;
use data_plane_support::{vnet_with_host, CLIENT, SERVER};
use std::time::{Duration, Instant};
use tokio::process::Command;

const NOBODY: u32 = 65534;
const AS_NOBODY: [&str; 5] = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"];
/// Root that can hand a process to `nobody`, and `nobody` may make user namespaces.
fn can_run() -> Result<(), String> {
    if azure_emulator::dataplane::unavailable().is_some() {
        return Err("needs root to become nobody".into());
    }
    let probe = std::process::Command::new(AS_NOBODY[0])
        .args(&AS_NOBODY[1..])
        .args(["unshare", "--user", "--map-root-user", "--net", "true"])
        .output()
        .map_err(|e| e.to_string())?;
    if probe.status.success() {
        Ok(())
    } else {
        Err(format!("unprivileged user namespaces are off: {}", String::from_utf8_lossy(&probe.stderr).trim()))
    }
}

/// `python3 -c script args…` on `nic`'s host, as `nobody` (who may not read root's interpreter
/// paths, hence `python3` from PATH).
fn exec(emu: &Emu, nic: &str, script: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(AS_NOBODY[0]);
    cmd.args(&AS_NOBODY[1..]).arg(env!("CARGO_BIN_EXE_isthmus"));
    cmd.args(["exec", "--nic", nic, "--data-dir"]).arg(&emu.dir).args(["--", "python3", "-c", script]).args(args);
    cmd.kill_on_drop(true);
    cmd
}

async fn reaches(emu: &Emu, from: &str, ip: &str) -> bool {
    exec(emu, from, CLIENT, &[ip, "1"]).output().await.map(|o| o.status.success()).unwrap_or(false)
}

/// Running, not a zombie waiting for a parent that may never reap it.
fn alive(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().next()).is_some_and(|s| s != "Z")
}

#[tokio::test]
async fn a_normal_user_gets_the_data_plane_in_a_user_namespace() {
    if let Err(why) = can_run() {
        eprintln!("skipped: {why}");
        return;
    }
    let emu = Emu::start_wrapped(&AS_NOBODY, NOBODY, &["--data-plane=on"]).await;
    let names = Names::for_data_dir(&emu.dir);
    let access = Access::for_data_dir(&emu.dir).expect("dataplane.json names the running data plane");
    let Access::UserNamespace { pid: holder, .. } = access else { panic!("as nobody: {access:?}") };

    let token = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let (a, _) = vnet_with_host(&emu, &token, "customer-rg", "up-a", 10, "nic-a").await;
    let (b, ip_b) = vnet_with_host(&emu, &token, "customer-rg", "up-b", 20, "nic-b").await;
    assert_eq!(ip_b, "10.20.0.4");
    // The server on b's host, once the data plane has built it.
    let deadline = Instant::now() + Duration::from_secs(10);
    let _server = loop {
        let mut child = exec(&emu, "nic-b", SERVER, &[&ip_b, "b"]).spawn().expect("spawn exec");
        tokio::time::sleep(Duration::from_millis(300)).await;
        if child.try_wait().ok().flatten().is_none() {
            break child;
        }
        assert!(Instant::now() < deadline, "host nic-b never came up in the user namespace");
    };
    assert!(netns::existing(names.prefix()).is_empty(), "the namespaces are not the machine's own");
    assert!(!reaches(&emu, "nic-a", &ip_b).await, "no peering: no path");

    for (l, r, name) in [(&a, &b, "a-to-b"), (&b, &a, "b-to-a")] {
        let reply = emu.put_peering(l, name, r, &token, &[]).await;
        assert!(reply.status.is_success(), "{}", reply.body);
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while !reaches(&emu, "nic-a", &ip_b).await {
        assert!(Instant::now() < deadline, "both sides Connected, yet a never reached b");
    }

    // `kill -9`: the holder dies with the emulator, and the namespaces with it.
    assert!(alive(holder));
    let _dir = emu.kill9().await;
    let deadline = Instant::now() + Duration::from_secs(2);
    while alive(holder) {
        assert!(Instant::now() < deadline, "the user namespace's holder outlived the emulator");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `isthmus up` as `nobody`: the demo service `tsdb` runs in the unprivileged data plane (its
/// PostgreSQL in a user namespace nested in the data plane's), answers `psql` on its own host, and
/// dies with the stack on `kill -9`.
#[tokio::test]
async fn a_normal_user_runs_the_demo_service() {
    use tokio::io::AsyncBufReadExt;
    if let Err(why) = can_run() {
        eprintln!("skipped: {why}");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    std::os::unix::fs::chown(tmp.path(), Some(NOBODY), Some(NOBODY)).unwrap();
    let mut up = Command::new(AS_NOBODY[0]);
    up.args(&AS_NOBODY[1..]).arg(env!("CARGO_BIN_EXE_isthmus")).env("HOME", tmp.path());
    up.args(["up", "--data-plane=on", "--data-dir"]).arg(tmp.path());
    up.args(["--azure-listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0"]);
    let mut child = up.stdout(std::process::Stdio::piped()).kill_on_drop(true).spawn().unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = async {
        while let Some(l) = lines.next_line().await.unwrap() {
            if l.starts_with("ready ") {
                return;
            }
        }
        panic!("up exited before ready");
    };
    tokio::time::timeout(Duration::from_secs(90), ready).await.expect("up ready");

    let world: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("world.json")).unwrap()).unwrap();
    let uri = world["service"]["uri"].as_str().expect("world.json has the running service").to_string();
    let nic = service_nic(tmp.path(), "tsdb");
    let mut psql = Command::new(AS_NOBODY[0]);
    psql.args(&AS_NOBODY[1..]).arg(env!("CARGO_BIN_EXE_isthmus"));
    psql.args(["exec", "--nic", &nic, "--data-dir"]).arg(tmp.path()).args(["--", "psql", &uri, "-Atc", "select 1"]);
    let out = psql.env("PGCONNECT_TIMEOUT", "5").env("HOME", tmp.path()).output().await.unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1", "{}", String::from_utf8_lossy(&out.stderr));
    let names = Names::for_data_dir(&tmp.path().join("azure"));
    assert!(netns::existing(names.prefix()).is_empty(), "the namespaces are not the machine's own");

    child.kill().await.unwrap();
    let services = tmp.path().join("services");
    let deadline = Instant::now() + Duration::from_secs(10);
    while postgres_under(&services) {
        assert!(Instant::now() < deadline, "the service's server outlived its killed stack");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

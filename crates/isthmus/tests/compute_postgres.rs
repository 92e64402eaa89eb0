//! The compute backend end to end (as root; the emulator runs with `--data-plane`): a service is a
//! real PostgreSQL server on a NIC's host in the provider VNet, reachable from that VNet over TLS
//! with SCRAM as `avnadmin` only, not from an unpeered VNet, listening on its private address only;
//! its data survives a graceful stop and a `kill -9` of the process that ran it; `remove` takes the
//! NIC, the data and the server away. The backend is driven through the hidden `isthmus
//! service-host` subcommand (the crate has no library target).

mod common;
mod data_plane_support;

use common::*;
use data_plane_support::*;
use reqwest::Method;
use serde_json::json;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

const PROVIDER_RG: &str = "provider-rg";
const PASSWORD: &str = "Svc-pass'word\\1";
const SERVICE: &str = "pg-test";
const SERVICE_ID: &str = "0123abcd-0000-4000-8000-000000000001";

/// One `isthmus service-host` process: its stdin takes commands, its stdout answers.
struct ServiceHost {
    child: Child,
    stdin: Option<ChildStdin>,
    out: Lines<BufReader<ChildStdout>>,
}

impl ServiceHost {
    fn start(emu: &Emu, services: &Path) -> ServiceHost {
        let mut child = Command::new(env!("CARGO_BIN_EXE_isthmus"))
            .arg("service-host")
            .arg("--emulator-dir")
            .arg(&emu.dir)
            .args(["--azure-url", &emu.url])
            .arg("--services-dir")
            .arg(services)
            .args(["--tenant", PROVIDER_TENANT, "--app-id", PROVIDER_APP, "--subscription", PROVIDER_SUB])
            .args(["--resource-group", PROVIDER_RG, "--service-id", SERVICE_ID, "--service-name", SERVICE])
            .args(["--vnet", &provider_vnet()])
            .env("ISTHMUS_PROVIDER_SECRET", PROVIDER_SECRET)
            .env("ISTHMUS_SERVICE_PASSWORD", PASSWORD)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn isthmus service-host");
        let stdin = child.stdin.take();
        let out = BufReader::new(child.stdout.take().expect("stdout")).lines();
        ServiceHost { child, stdin, out }
    }

    async fn send(&mut self, command: &str) -> String {
        let stdin = self.stdin.as_mut().expect("open");
        stdin.write_all(format!("{command}\n").as_bytes()).await.expect("write");
        let line = tokio::time::timeout(Duration::from_secs(120), self.out.next_line()).await;
        line.expect("an answer within 120 s").expect("read").expect("an answer line")
    }

    /// `ensure`, expecting an endpoint: the service's address.
    async fn ensure(&mut self) -> String {
        let answer = self.send("ensure").await;
        let rest = answer.strip_prefix("endpoint ").unwrap_or_else(|| panic!("ensure: {answer}"));
        let (host, port) = rest.split_once(' ').expect("host and port");
        assert_eq!(port, "5432");
        host.to_string()
    }

    /// End of input: a graceful shutdown of its servers, then its exit.
    async fn finish(mut self) {
        drop(self.stdin.take());
        let line = tokio::time::timeout(Duration::from_secs(30), self.out.next_line()).await;
        assert_eq!(line.expect("stopped within 30 s").expect("read").as_deref(), Some("stopped"));
        assert!(self.child.wait().await.expect("wait").success());
    }

    async fn kill9(mut self) {
        self.child.start_kill().expect("kill");
        self.child.wait().await.expect("wait");
    }
}

/// psql run on `nic`'s host: whether it succeeded, and its output (stdout, then stderr).
async fn psql(emu: &Emu, nic: &str, url: &str, sql: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_isthmus"))
        .args(["exec", "--nic", nic, "--data-dir"])
        .arg(&emu.dir)
        .args(["--", "psql", url, "-XAtc", sql])
        .env("PGCONNECT_TIMEOUT", "3")
        .stdin(Stdio::null())
        .output()
        .await
        .expect("isthmus exec psql");
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

fn url(emu: &Emu, user: &str, password: &str, ip: &str, db: &str, ssl: &str) -> String {
    let pw: String = percent_encode(password);
    format!("postgres://{user}:{pw}@{ip}:5432/{db}?sslmode={ssl}&sslrootcert={}", emu.dir.join("ca.pem").display())
}

fn percent_encode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// Processes whose command line mentions `dir` (the service's servers).
fn processes_using(dir: &Path) -> Vec<String> {
    let needle = dir.to_string_lossy().into_owned();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) {
            let text = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            if text.contains(&needle) {
                found.push(text);
            }
        }
    }
    found
}

/// The service's NIC: `svc-<name>-<first 8 hex of its id>`.
fn nic_name() -> String {
    format!("svc-{SERVICE}-{}", &SERVICE_ID.replace('-', "")[..8])
}

fn nic_url() -> String {
    format!(
        "/subscriptions/{PROVIDER_SUB}/resourceGroups/{PROVIDER_RG}/providers/Microsoft.Network/networkInterfaces/{}?{NET_API}",
        nic_name()
    )
}

#[tokio::test]
async fn a_service_is_a_postgres_server_reachable_only_as_it_should_be() {
    if skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let lab = Lab::new();
    let services = tempfile::tempdir().expect("tempdir");
    let emu = lab.start().await;
    let provider = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    let customer = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let service_dir = services.path().join(SERVICE_ID);

    let mut host = ServiceHost::start(&emu, services.path());
    let ip = host.ensure().await;
    assert!(ip.starts_with("10.2."), "an address of the provider VNet: {ip}");
    let started = Instant::now();
    assert_eq!(host.ensure().await, ip, "ensure again: the same endpoint");
    assert!(started.elapsed() < Duration::from_secs(1), "and at once while it runs");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&service_dir).expect("dir").permissions());
    assert_eq!(mode & 0o777, 0o700);

    // A client in the same VNet (the backend made its subnet), and one in an unpeered VNet.
    let client = "client-nic";
    let body = json!({"location": "westeurope", "properties": {"ipConfigurations": [{"name": "ipconfig1",
        "properties": {"subnet": {"id": format!("{}/subnets/services", provider_vnet())}}}]}});
    let nic = format!("/subscriptions/{PROVIDER_SUB}/resourceGroups/{PROVIDER_RG}/providers/Microsoft.Network/networkInterfaces/{client}?{NET_API}");
    let r = emu.arm(Method::PUT, &nic, &provider, &[], Some(body)).await;
    assert!(r.status.is_success(), "{}", r.body);
    vnet_with_host(&emu, &customer, "customer-rg", "outside", 40, "outsider").await;

    let admin = url(&emu, "avnadmin", PASSWORD, &ip, "defaultdb", "verify-ca");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (ok, text) = psql(&emu, client, &admin, "select 1").await;
        if ok {
            assert_eq!(text.trim(), "1");
            break;
        }
        assert!(Instant::now() < deadline, "avnadmin over TLS from the VNet: {text}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (ok, text) = psql(&emu, client, &admin, "select rolsuper from pg_roles where rolname = current_user").await;
    assert!(ok && text.trim() == "f", "avnadmin is not a superuser: {text}");
    let (ok, text) =
        psql(&emu, client, &url(&emu, "avnadmin", PASSWORD, &ip, "defaultdb", "disable"), "select 1").await;
    assert!(!ok && text.contains("pg_hba.conf rejects connection"), "without TLS: refused ({text})");
    let (ok, text) =
        psql(&emu, client, &url(&emu, "avnadmin", "wrong-password", &ip, "defaultdb", "verify-ca"), "select 1").await;
    assert!(!ok && text.contains("password authentication failed"), "a wrong password: refused ({text})");
    let (ok, text) = psql(&emu, client, &url(&emu, "postgres", "x", &ip, "postgres", "verify-ca"), "select 1").await;
    assert!(!ok && text.contains("pg_hba.conf rejects connection"), "postgres over TCP: refused ({text})");
    let (ok, text) =
        psql(&emu, client, &url(&emu, "avnadmin", PASSWORD, &ip, "postgres", "verify-ca"), "select 1").await;
    assert!(!ok && text.contains("pg_hba.conf rejects connection"), "avnadmin to another database: refused ({text})");
    let (ok, text) = psql(&emu, "outsider", &admin, "select 1").await;
    assert!(!ok && !text.contains("pg_hba"), "from an unpeered VNet: no connection at all ({text})");
    eprintln!("from an unpeered VNet: {text}");

    let listening = Command::new(env!("CARGO_BIN_EXE_isthmus"))
        .args(["exec", "--nic", &nic_name(), "--data-dir"])
        .arg(&emu.dir)
        .args(["--", "ss", "-ltnH"])
        .output()
        .await
        .expect("ss");
    let sockets: Vec<String> = String::from_utf8_lossy(&listening.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(3).map(str::to_string))
        .collect();
    assert_eq!(sockets, [format!("{ip}:5432")], "listening on the private address only");

    let (ok, text) = psql(&emu, client, &admin, "create table kept (x text); insert into kept values ('here')").await;
    assert!(ok, "{text}");

    // A graceful stop, and a new process: the same cluster, data and password.
    host.finish().await;
    assert!(processes_using(&service_dir).is_empty(), "shutdown stops the server");
    let (ok, _) = psql(&emu, client, &admin, "select 1").await;
    assert!(!ok, "nothing answers while stopped");
    let mut host = ServiceHost::start(&emu, services.path());
    assert_eq!(host.ensure().await, ip);
    let (ok, text) = psql(&emu, client, &admin, "select x from kept").await;
    assert!(ok && text.trim() == "here", "the row survived a restart: {text}");

    // `kill -9` of the process: its server dies with it; the next start recovers the cluster.
    host.kill9().await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while !processes_using(&service_dir).is_empty() {
        assert!(Instant::now() < deadline, "the server outlived its process: {:?}", processes_using(&service_dir));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut host = ServiceHost::start(&emu, services.path());
    assert_eq!(host.ensure().await, ip);
    let (ok, text) = psql(&emu, client, &admin, "select x from kept").await;
    assert!(ok && text.trim() == "here", "the row survived a kill -9: {text}");

    // Remove: server, NIC and data gone; removing again is fine.
    assert_eq!(host.send("remove").await, "removed");
    assert!(processes_using(&service_dir).is_empty(), "remove stops the server");
    assert!(!service_dir.exists(), "remove deletes the data");
    let r = emu.arm(Method::GET, &nic_url(), &provider, &[], None).await;
    assert_eq!(r.status, 404, "remove deletes the NIC: {}", r.body);
    let (ok, _) = psql(&emu, client, &admin, "select 1").await;
    assert!(!ok, "nothing answers after remove");
    assert_eq!(host.send("remove").await, "removed", "remove is idempotent");
    host.finish().await;
}

//! Services benchmark, for "A PostgreSQL service in the project VPC, reachable only through an
//! ACTIVE peering" (as root: `isthmus up --data-plane on` realizes VNets and NICs as network
//! namespaces and runs real PostgreSQL servers in the project VPC; without root it says why and
//! exits 0). One `isthmus up` on a fresh data dir, three figures:
//! - service create → RUNNING: what `avn service create benchN -t pg --plan hobbyist --cloud
//!   azure-westeurope --project-vpc-id V` sends, then `GET …/service/benchN` every 20 ms until
//!   `RUNNING`; N services one after the other, each terminated (and its NIC gone) before the next;
//!   median, min and max;
//! - peering ACTIVE → first successful query from `customer-vm`: `isthmus azure connect` as the
//!   customer runs it (the bench answers its device-code prompt as the customer's administrator),
//!   while the bench polls `GET …/vpcs/V` every 10 ms for the instant the connection shows
//!   `ACTIVE`, and ONE long-lived client in `customer-vm` (a bash loop, started and failed once
//!   before the run, so process start-up is not counted) starts an attempt every 10 ms, attempts
//!   overlapping: a TCP connect to the service given up after 100 ms (a SYN lost while the path
//!   comes up would otherwise cost TCP's 1 s retransmission), then `psql <service_uri> -c
//!   'select 1'` (TCP, TLS verified, password checked); it reports the wall-clock start and end
//!   of the first attempt whose query answers.
//!   The difference can be negative: the data plane links the VNets as soon as both peerings are
//!   Connected, which can precede the control plane observing ACTIVE. Repeated by deleting the
//!   connection (`DELETE …/peering-connections/peer-accounts/…/peer-resource-groups/…/peer-vpcs/…`),
//!   then the customer's peering, now Disconnected (Azure refuses the provider's new peering
//!   while it exists), and running `azure connect` again; median;
//! - pgbench select-only (`pgbench -S -c 8 -j 2 -T S -n`, after `pgbench -i -s 10`) against the
//!   demo service `tsdb`, from `customer-vm` through the peering and on the service's own host
//!   (its NIC `svc-tsdb-…`), alternating for R rounds; tps of each and the ratio, medians.
//!
//!     cargo bench -p isthmus --bench services
//!
//! Knobs (environment): `ISTHMUS_BENCH_SERVICES` (services created, default 5),
//! `ISTHMUS_BENCH_PEERINGS` (azure connect runs, default 3), `ISTHMUS_BENCH_PGBENCH_SECONDS`
//! (seconds per pgbench run, default 10), `ISTHMUS_BENCH_PGBENCH_ROUNDS` (rounds, default 3). Traffic stays in the stack's namespaces on private
//! addresses; `up` is stopped with SIGTERM at the end (it stops PostgreSQL and removes its
//! namespaces), also after a failure, and its namespaces are swept after it. Its log goes to a
//! file that is printed (its tail) only when the bench fails.

use azure_emulator::dataplane::{names::Names, netns};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

/// Tries `psql "$1" -c 'select 1'` once and prints `ready <its error>` when it fails (`stale …`
/// and exits when it succeeds: the old path is still up); then starts an attempt every 10 ms,
/// attempts overlapping: a TCP connect to `$2:$3` given up after 100 ms (so a SYN lost while the
/// path comes up costs no 1 s retransmission) and, once it connects, the query. Prints
/// `ok <start> <end> <n>` for the first attempt whose query answers: the wall-clock seconds of its
/// start and of the answer, and its number.
const RETRIER: &str = r#"export LC_ALL=C
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
s=$EPOCHREALTIME
if err=$(psql "$1" -Atc 'select 1' 2>&1 >/dev/null); then echo "stale $s $EPOCHREALTIME"; exit 1; fi
echo "ready $(printf '%s' "$err" | head -n 1)"
n=1
while [ ! -e "$w/won" ]; do
  n=$((n+1))
  ( s=$EPOCHREALTIME
    if timeout 0.1 bash -c ': <"/dev/tcp/$0/$1"' "$2" "$3" 2>/dev/null && psql "$1" -Atc 'select 1' >/dev/null 2>&1; then
      e=$EPOCHREALTIME
      if mkdir "$w/won" 2>/dev/null; then echo "ok $s $e $n"; fi
    fi ) &
  sleep 0.01
done
wait
"#;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64()
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

fn median(v: &[f64]) -> f64 {
    let s = sorted(v.to_vec());
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn min_max(v: &[f64]) -> (f64, f64) {
    let s = sorted(v.to_vec());
    (s[0], s[s.len() - 1])
}

/// Whether a process has exited (gone, or a zombie not yet reaped).
fn exited(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    matches!(stat.rsplit_once(") ").and_then(|(_, r)| r.chars().next()), None | Some('Z' | 'X'))
}

/// `isthmus up`, stopped by SIGTERM (it stops its servers and removes its namespaces) and its
/// namespaces swept after, however the bench ends; its log's tail is shown when the bench fails.
struct Up {
    child: Option<Child>,
    names: Names,
    log: PathBuf,
    azure: String,
    api: String,
    env: HashMap<String, String>,
    world: Value,
    dir: PathBuf,
    http: reqwest::Client,
    /// Trusts the emulator's CA.
    azure_http: reqwest::Client,
}

impl Up {
    async fn start(dir: &Path, log: &Path) -> Up {
        let names = Names::for_data_dir(&dir.join("azure"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_isthmus"))
            .args(["up", "--data-plane=on", "--data-dir"])
            .arg(dir)
            .args(["--azure-listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(log).expect("up's log file"))
            .kill_on_drop(true)
            .spawn()
            .expect("spawn isthmus up");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut up = Up {
            child: Some(child),
            names,
            log: log.to_path_buf(),
            azure: String::new(),
            api: String::new(),
            env: HashMap::new(),
            world: Value::Null,
            dir: dir.to_path_buf(),
            http: reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client"),
            azure_http: reqwest::Client::new(),
        };
        let ready = tokio::time::timeout(Duration::from_secs(120), async {
            while let Some(l) = lines.next_line().await.expect("read up's stdout") {
                if l.starts_with("ready ") {
                    return l;
                }
            }
            panic!("isthmus up exited before it was ready")
        })
        .await
        .expect("isthmus up ready within 120 s");
        // `ready` is its last line, but keep its stdout open and drained.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let field = |k: &str| ready.split_whitespace().find_map(|w| w.strip_prefix(k)).expect(k).to_string();
        up.azure = field("azure=");
        up.api = field("api=");
        up.env = std::fs::read_to_string(dir.join("env.sh"))
            .expect("env.sh")
            .lines()
            .filter_map(|l| l.strip_prefix("export "))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.trim_matches('\'').to_string()))
            .collect();
        let ca = std::fs::read(dir.join("azure/ca.pem")).expect("ca.pem");
        up.azure_http = reqwest::Client::builder()
            .tls_certs_only([reqwest::Certificate::from_pem(&ca).expect("CA pem")])
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client");
        up.world = serde_json::from_str(&std::fs::read_to_string(dir.join("world.json")).expect("world.json"))
            .expect("world.json is JSON");
        up
    }

    fn world(&self, pointer: &str) -> String {
        self.world.pointer(pointer).and_then(Value::as_str).unwrap_or_else(|| panic!("world.json has {pointer}")).into()
    }

    /// A call to the project's API: status and JSON body (Null when none).
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method, format!("{}/v1/project/demo{path}", self.api))
            .header("authorization", format!("aivenv1 {}", self.env["AIVEN_AUTH_TOKEN"]));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request to the API");
        let status = resp.status();
        let bytes = resp.bytes().await.expect("body");
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    fn exec(&self, nic: &str) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_isthmus"));
        cmd.args(["exec", "--nic", nic, "--data-dir"]).arg(&self.dir).arg("--");
        cmd
    }

    /// NIC ids in the emulator's state whose name starts with `svc-<service>-`.
    fn service_nics(&self, service: &str) -> Vec<String> {
        let state: Value = azure_emulator::persistence::load(&self.dir.join("azure"))
            .ok()
            .and_then(|s| serde_json::to_value(s).ok())
            .unwrap_or(Value::Null);
        let prefix = format!("/networkinterfaces/svc-{service}-");
        state["network_interfaces"]
            .as_object()
            .map(|m| m.keys().filter(|id| id.to_ascii_lowercase().contains(&prefix)).cloned().collect())
            .unwrap_or_default()
    }

    /// SIGTERM, then waits (up to 60 s) for `up` to stop its servers and namespaces.
    fn stop(&mut self) -> Option<f64> {
        let child = self.child.take()?;
        let pid = child.id()?;
        let started = Instant::now();
        let _ = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status();
        let deadline = started + Duration::from_secs(60);
        // Not reaped until `child` drops: exited once a zombie.
        while Instant::now() < deadline && !exited(pid) {
            std::thread::sleep(Duration::from_millis(20));
        }
        let secs = exited(pid).then(|| started.elapsed().as_secs_f64());
        drop(child);
        secs
    }
}

impl Drop for Up {
    fn drop(&mut self) {
        self.stop();
        netns::sweep(&self.names);
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            eprintln!("--- the last lines of isthmus up's log ({}):", self.log.display());
            for l in tail.into_iter().rev() {
                eprintln!("{l}");
            }
        }
    }
}

/// A process whose stdout is read line by line.
struct Proc {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    what: String,
}

impl Proc {
    fn spawn(mut cmd: Command, what: &str) -> Proc {
        let mut child = cmd.stdout(Stdio::piped()).kill_on_drop(true).spawn().expect("spawn");
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        Proc { child, lines, what: what.to_string() }
    }

    async fn line(&mut self, within: Duration) -> String {
        match tokio::time::timeout(within, self.lines.next_line()).await {
            Ok(Ok(Some(l))) => l,
            Ok(_) => panic!("{} ended without the expected output", self.what),
            Err(_) => panic!("{} printed nothing within {within:?}", self.what),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Service create → RUNNING

async fn create_to_running(up: &Up, vpc: &str, name: &str) -> f64 {
    let body = json!({"cloud": "azure-westeurope", "plan": "hobbyist", "service_integrations": [], "service_name": name,
        "service_type": "pg", "user_config": {}, "termination_protection": false, "static_ips": [], "project_vpc_id": vpc});
    let started = Instant::now();
    let (status, reply) = up.call(Method::POST, "/service", Some(body)).await;
    assert!(status.is_success(), "create {name}: {status} {reply}");
    let deadline = started + Duration::from_secs(180);
    loop {
        let (status, reply) = up.call(Method::GET, &format!("/service/{name}"), None).await;
        assert!(status.is_success(), "get {name}: {status} {reply}");
        if reply["service"]["state"] == "RUNNING" {
            return started.elapsed().as_secs_f64() * 1000.0;
        }
        assert!(Instant::now() < deadline, "{name} not RUNNING within 180 s: {reply}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Terminates a service and waits until the API answers 404 and its NIC is gone.
async fn terminate(up: &Up, name: &str) {
    let (status, reply) = up.call(Method::DELETE, &format!("/service/{name}"), None).await;
    assert!(status.is_success(), "delete {name}: {status} {reply}");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, _) = up.call(Method::GET, &format!("/service/{name}"), None).await;
        if status == StatusCode::NOT_FOUND && up.service_nics(name).is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "{name}: still there 60 s after its delete ({status})");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// 2. ACTIVE → first query

/// "… enter the code ABCD23456 to authenticate." → the code.
fn user_code(line: &str) -> Option<String> {
    let rest = &line[line.find("enter the code ")? + "enter the code ".len()..];
    rest.split_whitespace().next().map(str::to_string)
}

struct ConnectRound {
    /// Seconds since the epoch.
    connect_start: f64,
    connect_end: f64,
    active: f64,
    query_start: f64,
    query_end: f64,
    /// The successful attempt's number (the first, which failed, is 1).
    attempt: usize,
    first_error: String,
}

/// Starts the retrier in customer-vm and returns it once it has failed once (the service is not
/// reachable yet); retries while the old path is still up.
async fn start_retrier(up: &Up, uri: &str) -> (Proc, String) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut cmd = up.exec("customer-vm");
        let parsed = url::Url::parse(uri).expect("the service URI");
        let host = parsed.host_str().expect("the service URI's host").to_string();
        let port = parsed.port().unwrap_or(5432).to_string();
        cmd.args(["bash", "-c", RETRIER, "bash", uri, &host, &port]).env("PGCONNECT_TIMEOUT", "2");
        let mut p = Proc::spawn(cmd, "the psql retrier in customer-vm");
        let first = p.line(Duration::from_secs(30)).await;
        if let Some(err) = first.strip_prefix("ready") {
            return (p, err.trim().to_string());
        }
        assert!(first.starts_with("stale"), "retrier: {first}");
        assert!(Instant::now() < deadline, "customer-vm still reaches the service 60 s after the connection's delete");
        drop(p);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn connect_round(up: &Up, state_home: &Path, uri: &str) -> ConnectRound {
    let vpc = up.world("/project/vpc_id");
    let vnet_name = up.world("/customer/vnet_name");
    let (mut retrier, first_error) = start_retrier(up, uri).await;

    // (a) the instant the API first shows the connection ACTIVE.
    let active = Arc::new(Mutex::new(None::<f64>));
    let poller = {
        let (http, api, token, active) =
            (up.http.clone(), up.api.clone(), up.env["AIVEN_AUTH_TOKEN"].clone(), active.clone());
        let (vpc, vnet_name) = (vpc.clone(), vnet_name.clone());
        tokio::spawn(async move {
            loop {
                let r = http
                    .get(format!("{api}/v1/project/demo/vpcs/{vpc}"))
                    .header("authorization", format!("aivenv1 {token}"))
                    .send()
                    .await;
                if let Ok(r) = r {
                    let v: Value = r.json().await.unwrap_or(Value::Null);
                    let t = now();
                    let is_active = v["peering_connections"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|c| c["peer_vpc"] == vnet_name.as_str() && c["state"] == "ACTIVE");
                    if is_active {
                        *active.lock().unwrap() = Some(t);
                        return;
                    }
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };

    // The customer's run, its device-code prompt answered as the customer's administrator.
    let azure_http = up.azure_http.clone();
    let connect_start = now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_isthmus"))
        .args(["azure", "connect", "--project-vpc-id", &vpc, "--vnet-id", &up.world("/customer/vnet_id")])
        .env("AIVEN_WEB_URL", &up.api)
        .env("AIVEN_AUTH_TOKEN", &up.env["AIVEN_AUTH_TOKEN"])
        .env("AIVEN_PROJECT", "demo")
        .env("ISTHMUS_AZURE_URL", &up.azure)
        .env("ISTHMUS_AZURE_CA", up.dir.join("azure/ca.pem"))
        .env("ISTHMUS_PROVIDER_APP_ID", up.world("/provider/app_id"))
        .env("XDG_STATE_HOME", state_home)
        .env_remove("REQUESTS_CA_BUNDLE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn isthmus azure connect");
    let out = Arc::new(Mutex::new(String::new()));
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let seen = out.clone();
    let out_task = tokio::spawn(async move {
        while let Ok(Some(line)) = stdout.next_line().await {
            seen.lock().unwrap().push_str(&format!("{line}\n"));
        }
    });
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let (seen, azure) = (out.clone(), up.azure.clone());
    let (user, password) = (up.world("/customer/admin/username"), up.world("/customer/admin/password"));
    let err_task = tokio::spawn(async move {
        while let Ok(Some(line)) = stderr.next_line().await {
            seen.lock().unwrap().push_str(&format!("! {line}\n"));
            if let Some(code) = user_code(&line) {
                let form = [("code", code.as_str()), ("username", &user), ("password", &password)];
                let r = azure_http.post(format!("{azure}/devicelogin")).form(&form).send().await.expect("sign in");
                assert_eq!(r.status(), 200, "sign-in page: {}", r.text().await.unwrap_or_default());
            }
        }
    });
    let Ok(status) = tokio::time::timeout(Duration::from_secs(240), child.wait()).await else {
        panic!("azure connect did not end within 240 s; its output:\n{}", out.lock().unwrap())
    };
    let status = status.expect("wait for azure connect");
    let connect_end = now();
    let _ = tokio::time::timeout(Duration::from_secs(5), out_task).await;
    err_task.abort();
    let output = out.lock().unwrap().clone();
    assert!(status.success(), "azure connect failed ({status}):\n{output}");
    assert!(output.contains("done: connection"), "azure connect did not finish:\n{output}");

    let ok = retrier.line(Duration::from_secs(60)).await;
    let mut f = ok.split(' ');
    assert_eq!(f.next(), Some("ok"), "retrier: {ok}");
    let mut num = || f.next().and_then(|x| x.parse::<f64>().ok()).unwrap_or_else(|| panic!("retrier: {ok}"));
    let (query_start, query_end, attempt) = (num(), num(), num() as usize);
    let _ = tokio::time::timeout(Duration::from_secs(5), retrier.child.wait()).await;
    tokio::time::timeout(Duration::from_secs(30), poller)
        .await
        .expect("the API shows ACTIVE within 30 s of azure connect's end")
        .expect("poller");
    let active = active.lock().unwrap().expect("ACTIVE seen");
    ConnectRound { connect_start, connect_end, active, query_start, query_end, attempt, first_error }
}

/// Deletes the connection the way the API offers and waits until it is gone from the VPC.
async fn delete_connection(up: &Up) {
    let vpc = up.world("/project/vpc_id");
    let (sub, rg, vnet) =
        (up.world("/customer/subscription_id"), up.world("/customer/resource_group"), up.world("/customer/vnet_name"));
    let path =
        format!("/vpcs/{vpc}/peering-connections/peer-accounts/{sub}/peer-resource-groups/{rg}/peer-vpcs/{vnet}");
    let (status, reply) = up.call(Method::DELETE, &path, None).await;
    assert!(status.is_success(), "delete the connection: {status} {reply}");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (_, v) = up.call(Method::GET, &format!("/vpcs/{vpc}"), None).await;
        let present = v["peering_connections"].as_array().into_iter().flatten().any(|c| c["peer_vpc"] == vnet.as_str());
        if !present {
            break;
        }
        assert!(Instant::now() < deadline, "the connection outlived its delete by 120 s: {v}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The customer's peering is Disconnected now, and Azure refuses the provider's new peering
    // while it exists (RemotePeeringIsDisconnected): the customer deletes it, as with `az network
    // vnet peering delete`, before connecting again.
    let scope = "https://management.core.windows.net//.default offline_access openid profile";
    let (user, password) = (up.world("/customer/admin/username"), up.world("/customer/admin/password"));
    let form = [
        ("grant_type", "password"),
        ("client_id", "04b07795-8ddb-461a-bbee-02f9e1bf7b46"),
        ("username", user.as_str()),
        ("password", password.as_str()),
        ("scope", scope),
    ];
    let r = up.azure_http.post(format!("{}/organizations/oauth2/v2.0/token", up.azure)).form(&form).send().await;
    let token: Value = r.expect("token request").json().await.expect("token reply");
    let token = token["access_token"].as_str().unwrap_or_else(|| panic!("the administrator's token: {token}"));
    let url =
        format!("{}{}/virtualNetworkPeerings/to-{vpc}?api-version=2023-11-01", up.azure, up.world("/customer/vnet_id"));
    let r = up.azure_http.delete(&url).bearer_auth(token).send().await.expect("delete the customer's peering");
    assert!(
        r.status().is_success(),
        "delete the customer's peering: {} {}",
        r.status(),
        r.text().await.unwrap_or_default()
    );
    loop {
        let r = up.azure_http.get(&url).bearer_auth(token).send().await.expect("get the customer's peering");
        if r.status() == StatusCode::NOT_FOUND {
            return;
        }
        assert!(Instant::now() < deadline, "the customer's peering outlived its delete");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// 3. pgbench

/// `tps = X (without initial connection time)` → X.
fn tps(out: &str) -> Option<f64> {
    out.lines()
        .find(|l| l.contains("without initial connection time"))
        .and_then(|l| l.trim().strip_prefix("tps = "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|x| x.parse().ok())
}

async fn run_on(up: &Up, nic: &str, args: &[&str], within: Duration) -> String {
    let mut cmd = up.exec(nic);
    cmd.args(args).env("PGCONNECT_TIMEOUT", "10").stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    let out = tokio::time::timeout(within, cmd.output())
        .await
        .unwrap_or_else(|_| panic!("{} on {nic} did not end within {within:?}", args[0]))
        .expect("isthmus exec");
    let (o, e) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{} on {nic} failed ({}):\n{o}\n{e}", args[0], out.status);
    format!("{o}\n{e}")
}

#[tokio::main]
async fn main() {
    if let Some(why) = azure_emulator::dataplane::unavailable() {
        println!("services benchmark skipped: {why}");
        return;
    }
    let services = env_usize("ISTHMUS_BENCH_SERVICES", 5).max(1);
    let peerings = env_usize("ISTHMUS_BENCH_PEERINGS", 3).max(1);
    let seconds = env_usize("ISTHMUS_BENCH_PGBENCH_SECONDS", 10).max(1);
    let pg_rounds = env_usize("ISTHMUS_BENCH_PGBENCH_ROUNDS", 3).max(1);

    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    std::fs::create_dir(&dir).expect("data dir");
    let state_home = tmp.path().join("state");
    std::fs::create_dir(&state_home).expect("state home");
    let started = Instant::now();
    let mut up = Up::start(&dir, &tmp.path().join("up.log")).await;
    println!(
        "isthmus up --data-plane on: ready in {:.1} s (data dir {})",
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    let vpc = up.world("/project/vpc_id");
    let uri = up.world("/service/uri");
    let demo = up.world("/service/name");
    let (status, reply) = up.call(Method::GET, &format!("/service/{demo}"), None).await;
    assert!(status.is_success() && reply["service"]["state"] == "RUNNING", "the demo service: {status} {reply}");

    // 1.
    println!();
    println!(
        "== 1. service create → RUNNING ({services} services, pg hobbyist in project VPC {vpc}, polled every 20 ms)"
    );
    let mut create = Vec::new();
    for i in 1..=services {
        let name = format!("bench{i}");
        let ms = create_to_running(&up, &vpc, &name).await;
        println!("  {name}: RUNNING {ms:.0} ms after the create");
        create.push(ms);
        terminate(&up, &name).await;
    }
    let (cmin, cmax) = min_max(&create);
    let cmed = median(&create);
    println!("  median {cmed:.0} ms (min {cmin:.0}, max {cmax:.0})");

    // 2.
    println!();
    println!(
        "== 2. peering ACTIVE → first successful query from customer-vm ({peerings} runs of isthmus azure connect; \
         API polled every 10 ms; an attempt (TCP connect within 100 ms, then psql) started every 10 ms, overlapping, by one bash process in customer-vm)"
    );
    let mut rounds = Vec::new();
    for i in 1..=peerings {
        if i > 1 {
            delete_connection(&up).await;
        }
        let r = connect_round(&up, &state_home, &uri).await;
        println!(
            "  run {i}: azure connect {:.1} s; ACTIVE seen {:.1} s into it; first query: attempt started {:+.0} ms, \
             answered {:+.0} ms relative to ACTIVE (attempt {}; the first failed: {})",
            r.connect_end - r.connect_start,
            r.active - r.connect_start,
            (r.query_start - r.active) * 1000.0,
            (r.query_end - r.active) * 1000.0,
            r.attempt,
            r.first_error
        );
        rounds.push(r);
    }
    let qstart: Vec<f64> = rounds.iter().map(|r| (r.query_start - r.active) * 1000.0).collect();
    let qend: Vec<f64> = rounds.iter().map(|r| (r.query_end - r.active) * 1000.0).collect();
    let (qmin, qmax) = min_max(&qend);
    println!(
        "  first query answered − ACTIVE: median {:+.0} ms (min {qmin:+.0}, max {qmax:+.0}); its attempt started at \
         median {:+.0} ms",
        median(&qend),
        median(&qstart)
    );
    println!(
        "  (negative: the data plane links the VNets as soon as both peerings are Connected, which can precede the \
         control plane observing ACTIVE)"
    );

    // 3.
    println!();
    println!("== 3. pgbench select-only, 8 clients, 2 threads, {seconds} s, against {demo} (scale 10)");
    let nics = up.service_nics(&demo);
    assert_eq!(nics.len(), 1, "one NIC for {demo}: {nics:?}");
    let host = nics[0].clone();
    let t = Instant::now();
    run_on(&up, &host, &["pgbench", "-i", "-s", "10", "-q", &uri], Duration::from_secs(600)).await;
    println!("  pgbench -i -s 10 on the service's host: {:.1} s", t.elapsed().as_secs_f64());
    let secs = seconds.to_string();
    let bench = ["pgbench", "-S", "-c", "8", "-j", "2", "-T", &secs, "-n", &uri];
    let within = Duration::from_secs(seconds as u64 + 120);
    let local_name = host.rsplit('/').next().unwrap_or(&host).to_string();
    // Alternating (and swapping which goes first), so a noisy neighbour weighs on both alike.
    let (mut peered_runs, mut local_runs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=pg_rounds {
        let mut pair = [("customer-vm", 0.0), (host.as_str(), 0.0)];
        let order: [usize; 2] = if round % 2 == 1 { [0, 1] } else { [1, 0] };
        for i in order {
            let out = run_on(&up, pair[i].0, &bench, within).await;
            pair[i].1 = tps(&out).unwrap_or_else(|| panic!("no tps in pgbench's output:\n{out}"));
        }
        let (p, l) = (pair[0].1, pair[1].1);
        println!(
            "  round {round}: through the peering from customer-vm {p:.0} tps, on {local_name} {l:.0} tps, ratio {:.2}",
            p / l
        );
        peered_runs.push(p);
        local_runs.push(l);
        ratios.push(p / l);
    }
    let (peered, local, ratio) = (median(&peered_runs), median(&local_runs), median(&ratios));
    let (rmin, rmax) = min_max(&ratios);
    println!("  median: peered {peered:.0} tps, local {local:.0} tps, ratio peered/local {ratio:.2} (min {rmin:.2}, max {rmax:.2})");

    // Stop.
    let names = up.names.clone();
    let stopped = up.stop();
    drop(up);
    let left = netns::existing(names.prefix());
    assert!(left.is_empty(), "namespaces left behind: {left:?}");

    println!();
    println!("== summary");
    println!("  service create → RUNNING:         median {cmed:.0} ms (min {cmin:.0}, max {cmax:.0}; n={services})");
    println!(
        "  ACTIVE → first query customer-vm: median {:+.0} ms (min {qmin:+.0}, max {qmax:+.0}; n={peerings}; \
         negative = reachable before the API said ACTIVE; the successful attempt started at median {:+.0} ms)",
        median(&qend),
        median(&qstart)
    );
    println!(
        "  pgbench -S -c 8 -j 2 -T {seconds}:      median of {pg_rounds}: peered {peered:.0} tps, local {local:.0} tps, ratio {ratio:.2} (min {rmin:.2}, max {rmax:.2})"
    );
    match stopped {
        Some(s) => println!("  isthmus up stopped on SIGTERM in {s:.1} s; no namespace left"),
        None => println!("  isthmus up did not stop within 60 s of SIGTERM (its namespaces were swept)"),
    }
}

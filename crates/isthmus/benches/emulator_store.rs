//! Emulator store benchmark: the latency of an ARM VNet PUT (HTTPS, persistence on) with 1,000 and
//! with 30,000 resources in the state, and the time from starting the emulator process on a data
//! dir holding 30,000 resources to its first answer. Medians of 3 runs; loopback only.
//!
//!     cargo bench -p isthmus --bench emulator_store
//!
//! `ISTHMUS_BENCH_BIN=path/to/isthmus` measures another build instead (e.g. an earlier version's).
//!
//! The state is populated quickly through a generated world file (VNets spread over subscriptions,
//! below Azure's 1,000 per subscription), applied as one write on the first start; the measured
//! PUTs then create new VNets one at a time, as the provider app.

mod support;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::{client, median, Running};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const RUNS: usize = 3;
const WARMUP: usize = 20;
const PUTS: usize = 150;
const PER_SUBSCRIPTION: usize = 500;
const PROVIDER_SUB: &str = "bbbbbbbb-0000-0000-0000-000000000002";

/// The two-tenant world plus `vnets` VNets in extra subscriptions of the customer's tenant.
fn world(dir: &Path, vnets: usize) -> PathBuf {
    let mut w: Value = serde_json::from_slice(&std::fs::read(support::world()).unwrap()).unwrap();
    let subs = w["tenants"][0]["subscriptions"].as_array_mut().unwrap();
    for s in 0..vnets.div_ceil(PER_SUBSCRIPTION) {
        let n = PER_SUBSCRIPTION.min(vnets - s * PER_SUBSCRIPTION);
        let nets: Vec<Value> = (0..n)
            .map(|i| json!({"name": format!("bulk-{i}"), "addressPrefixes": [format!("10.{}.{}.0/24", 100 + i / 256, i % 256)]}))
            .collect();
        subs.push(json!({"id": format!("dddddddd-0000-0000-0000-{s:012}"), "displayName": format!("bulk-{s}"),
                         "resourceGroups": [{"name": "bulk-rg", "location": "westeurope", "virtualNetworks": nets}]}));
    }
    let path = dir.join(format!("world-{vnets}.json"));
    std::fs::write(&path, serde_json::to_vec(&w).unwrap()).unwrap();
    path
}

async fn start(dir: &Path, world: &Path, env: &[(&str, &str)]) -> Running {
    let bin = std::env::var("ISTHMUS_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_isthmus").to_string());
    let mut child = Command::new(bin)
        .envs(env.iter().copied())
        .args(["emulator", "--data-plane=off", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .arg("--world")
        .arg(world)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut url, mut admin_key) = (String::new(), String::new());
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(k) = line.strip_prefix("admin-key ") {
            admin_key = k.to_string();
        }
        if let Some(rest) = line.strip_prefix("ready ") {
            url = rest.split_whitespace().next().unwrap().to_string();
            break;
        }
    }
    assert!(!url.is_empty(), "the emulator exited before it was ready");
    Running { child, url, admin_key }
}

async fn stop(mut emu: Running) {
    emu.child.start_kill().unwrap();
    emu.child.wait().await.unwrap();
}

/// A data dir holding the world with `vnets` bulk VNets, compacted into its snapshot.
async fn populate(root: &Path, vnets: usize) -> (PathBuf, PathBuf) {
    let dir = root.join(format!("data-{vnets}"));
    let world = world(root, vnets);
    let t0 = Instant::now();
    // The world is one large logged write; compacted at once, so every run starts from a snapshot.
    let emu = start(&dir, &world, &[("ISTHMUS_EMULATOR_COMPACT_AT_BYTES", "1")]).await;
    let snapshot = dir.join("state.json");
    while std::fs::metadata(&snapshot).map(|m| m.len()).unwrap_or(0) < (vnets as u64) * 100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop(emu).await;
    let size = std::fs::metadata(&snapshot).unwrap().len();
    eprintln!("  populated {vnets} VNets in {:.1} s; snapshot {:.1} MB", t0.elapsed().as_secs_f64(), size as f64 / 1e6);
    (dir, world)
}

async fn provider_token(http: &reqwest::Client, url: &str) -> String {
    let tok: Value = http
        .post(format!("{url}/22222222-2222-2222-2222-222222222222/oauth2/v2.0/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "eeeeeeee-0000-0000-0000-0000000000a1"),
            ("client_secret", "provider-app-secret-0123456789abcdef"),
            ("scope", "https://management.core.windows.net//.default"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    tok["access_token"].as_str().unwrap().to_string()
}

/// Median latency (ms) of PUTs that each create a VNet, one at a time.
async fn put_latency(dir: &Path, world: &Path, run: usize) -> f64 {
    let emu = start(dir, world, &[]).await;
    let http = client(dir);
    let raised = json!({"throttling": {"writes": {"capacity": 1_000_000, "refillPerSecond": 1e6}}});
    let r = http
        .patch(format!("{}/_emulator/knobs", emu.url))
        .header("x-emulator-admin-key", &emu.admin_key)
        .json(&raised)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "throttling raised");
    let token = provider_token(&http, &emu.url).await;
    let mut lat = Vec::with_capacity(PUTS);
    for i in 0..WARMUP + PUTS {
        let url = format!(
            "{}/subscriptions/{PROVIDER_SUB}/resourceGroups/provider-rg/providers/Microsoft.Network/virtualNetworks/put-{run}-{i}?api-version=2023-11-01",
            emu.url
        );
        let body = json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": [format!("10.{}.{}.0/24", 200 + run, i)]}}});
        let t = Instant::now();
        let r = http.put(&url).bearer_auth(&token).json(&body).send().await.unwrap();
        let status = r.status();
        r.bytes().await.unwrap();
        assert!(status.is_success(), "PUT: {status}");
        if i >= WARMUP {
            lat.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    stop(emu).await;
    median(lat)
}

/// Seconds from spawning the emulator on `dir` to its first successful answer.
async fn restart(dir: &Path, world: &Path) -> f64 {
    let t0 = Instant::now();
    let emu = start(dir, world, &[]).await;
    let http = client(dir);
    loop {
        let r = http.get(format!("{}/metadata/endpoints?api-version=2019-05-01", emu.url)).send().await;
        if r.is_ok_and(|r| r.status().is_success()) {
            break;
        }
    }
    let t = t0.elapsed().as_secs_f64();
    stop(emu).await;
    t
}

#[tokio::main]
async fn main() {
    let tmp = tempfile::tempdir().unwrap();
    println!("emulator store benchmark ({RUNS} runs each, medians)");
    let mut put = Vec::new();
    for vnets in [1_000, 30_000] {
        let (dir, world) = populate(tmp.path(), vnets).await;
        let mut runs = Vec::new();
        for run in 0..RUNS {
            runs.push(put_latency(&dir, &world, run).await);
        }
        let m = median(runs);
        println!("  VNet PUT (creates), {vnets} VNets in the state: {m:.2} ms median latency");
        put.push(m);
        if vnets == 30_000 {
            let mut starts = Vec::new();
            for _ in 0..RUNS {
                starts.push(restart(&dir, &world).await);
            }
            println!("  start to first answer, {vnets} VNets in the data dir: {:.0} ms", median(starts) * 1000.0);
        }
    }
    println!("  PUT latency ratio, 30,000 / 1,000: {:.2}", put[1] / put[0]);
}

//! Emulator store benchmark: the latency of an ARM VNet PUT (HTTPS, persistence on) with 1,000 and
//! with 30,000 resources in the state, and the time from starting the emulator process on a data
//! dir holding 30,000 resources to its first answer. Medians of 3 runs; loopback only.
//!
//!     cargo bench -p isthmus --bench emulator_store
//!
//! `ISTHMUS_BENCH_BIN=path/to/isthmus` measures another build instead (e.g. an earlier version's).
//!
//! The state is populated quickly through the admin API's world loading (VNets spread over
//! subscriptions, below Azure's 1,000 per subscription, 1,000 per write); the measured PUTs then
//! create new VNets one at a time, as the provider app.

mod support;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::{client, median, Running};

const RUNS: usize = 3;
const WARMUP: usize = 20;
const PUTS: usize = 150;
const PER_SUBSCRIPTION: usize = 500;
const CHUNK: usize = 1_000;
const PROVIDER_SUB: &str = "bbbbbbbb-0000-0000-0000-000000000002";

/// A world of one new tenant holding VNets `first..first + n` (subscriptions of at most 500).
fn bulk_world(first: usize, n: usize) -> Value {
    let subs: Vec<Value> = (first..first + n)
        .collect::<Vec<_>>()
        .chunks(PER_SUBSCRIPTION)
        .map(|chunk| {
            let s = chunk[0] / PER_SUBSCRIPTION;
            let nets: Vec<Value> = chunk
                .iter()
                .map(|i| {
                    let i = i % PER_SUBSCRIPTION;
                    json!({"name": format!("bulk-{i}"), "addressPrefixes": [format!("10.{}.{}.0/24", 100 + i / 256, i % 256)]})
                })
                .collect();
            json!({"id": format!("dddddddd-0000-0000-0000-{s:012}"), "displayName": format!("bulk-{s}"),
                   "resourceGroups": [{"name": "bulk-rg", "location": "westeurope", "virtualNetworks": nets}]})
        })
        .collect();
    json!({"tenants": [{"id": format!("dddddddd-1111-0000-0000-{first:012}"), "displayName": format!("bulk {first}"),
                        "defaultDomain": format!("bulk{first}.example"), "subscriptions": subs}]})
}

async fn stop(mut emu: Running) {
    emu.child.start_kill().unwrap();
    emu.child.wait().await.unwrap();
}

/// A data dir holding the two-tenant world plus `vnets` VNets, loaded through the admin API in
/// writes of `CHUNK` VNets, with the log compacted after every write.
async fn populate(root: &Path, vnets: usize) -> PathBuf {
    let dir = root.join(format!("data-{vnets}"));
    let t0 = Instant::now();
    let emu = support::start_with(&dir, &support::world(), &[("ISTHMUS_EMULATOR_COMPACT_AT_BYTES", "1")]).await;
    let http = client(&dir);
    for first in (0..vnets).step_by(CHUNK) {
        let r = http
            .post(format!("{}/_emulator/world", emu.url))
            .header("x-emulator-admin-key", &emu.admin_key)
            .json(&bulk_world(first, CHUNK.min(vnets - first)))
            .send()
            .await
            .unwrap();
        let status = r.status();
        assert!(status.is_success(), "world chunk at {first}: {status} {}", r.text().await.unwrap_or_default());
    }
    // Let the last compaction finish: the snapshot stops changing.
    let snapshot = dir.join("state.json");
    let mut last = 0;
    loop {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let len = std::fs::metadata(&snapshot).map(|m| m.len()).unwrap_or(0);
        if len == last && !dir.join("state.json.tmp").exists() {
            break;
        }
        last = len;
    }
    stop(emu).await;
    eprintln!("  populated {vnets} VNets in {:.1} s; snapshot {:.1} MB", t0.elapsed().as_secs_f64(), last as f64 / 1e6);
    dir
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
async fn put_latency(dir: &Path, run: usize) -> f64 {
    let emu = support::start_with(dir, &support::world(), &[]).await;
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
async fn restart(dir: &Path) -> f64 {
    let t0 = Instant::now();
    let emu = support::start_with(dir, &support::world(), &[]).await;
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
        let dir = populate(tmp.path(), vnets).await;
        let mut runs = Vec::new();
        for run in 0..RUNS {
            runs.push(put_latency(&dir, run).await);
        }
        let m = median(runs);
        println!("  VNet PUT (creates), {vnets} VNets in the state: {m:.2} ms median latency");
        put.push(m);
        if vnets == 30_000 {
            let mut starts = Vec::new();
            for _ in 0..RUNS {
                starts.push(restart(&dir).await);
            }
            println!("  start to first answer, {vnets} VNets in the data dir: {:.0} ms", median(starts) * 1000.0);
        }
    }
    println!("  PUT latency ratio, 30,000 / 1,000: {:.2}", put[1] / put[0]);
}

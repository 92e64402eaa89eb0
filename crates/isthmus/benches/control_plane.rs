//! Control-plane benchmark against the emulator (loopback only):
//! - 200 connections: median and p99 time from the customer's peering PUT to ACTIVE, and the Azure
//!   calls the reconciler spent per connection (ARM budgets at Azure's defaults);
//! - `GET /v1/project/{p}/vpcs/{id}` throughput and p99 with 500 connections (a full VNet), 16
//!   clients, on SQLite and on PostgreSQL.
//!
//! Run with `cargo bench -p isthmus --bench control_plane`; `CP_BENCH=reads` runs the reads only.

#[path = "../tests/common/mod.rs"]
mod common;

use common::cp::*;
use common::*;
use reqwest::Method;
use serde_json::json;
use std::collections::HashMap;
use std::time::{Duration, Instant};

const CONNECTIONS: usize = 200;
/// A full VNet: Azure allows 500 peerings per VNet.
const READ_CONNECTIONS: usize = 500;
const CLIENTS: usize = 16;
/// Enough for a round of a second or more at the target rate (1,000 req/s).
const GETS_PER_CLIENT: usize = 300;
/// Changes a second to a connection while reading: each makes the next GET render afresh.
const WRITES_PER_SECOND: u32 = 20;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1).min(sorted.len() - 1)]
}

fn total_calls(metrics: &str, graph: bool) -> u64 {
    metrics
        .lines()
        .filter(|l| l.starts_with("isthmus_azure_calls_total{"))
        .filter(|l| graph || !l.contains("service_principal"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

async fn peering_latency(pending_interval_ms: u64) {
    let emu = Emu::start().await;
    // setup runs with throttling raised; the measured phase runs at Azure's published limits
    let raised = json!({"throttling": {"writes": {"capacity": 100000, "refillPerSecond": 100000}, "reads": {"capacity": 100000, "refillPerSecond": 100000}}});
    emu.admin(Method::PATCH, "knobs", Some(raised)).await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let names: Vec<String> = (0..CONNECTIONS).map(|i| format!("bench-{i}")).collect();
    for (i, n) in names.iter().enumerate() {
        let body = json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": [format!("172.{}.{}.0/24", 16 + i / 256, i % 256)]}}});
        let r = emu
            .arm(
                Method::PUT,
                &format!("{}?{NET_API}", vnet_id(CUSTOMER_SUB, "customer-rg", n)),
                &admin,
                &[],
                Some(body),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let rg = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg");
    let (app_id, secret) = customer_setup(&emu, "bench", true, Some(&rg)).await;
    let defaults = json!({"throttling": {"writes": {"capacity": 200, "refillPerSecond": 10}, "reads": {"capacity": 250, "refillPerSecond": 25}}});
    emu.admin(Method::PATCH, "knobs", Some(defaults)).await;

    let cp = ControlPlane::start_with(
        &emu,
        ServeOptions { pending_interval_ms: Some(pending_interval_ms), ..Default::default() },
    )
    .await;
    let (vpc, provider_vnet) = cp.active_vpc("10.0.0.0/24").await;
    let before = cp.metrics().await;
    for n in &names {
        let r =
            cp.call(Method::POST, &format!("/vpcs/{vpc}/peering-connections"), Some(connection_body(n, &app_id))).await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let t0 = Instant::now();
    for n in &names {
        cp.wait_for(&vpc, n, "PENDING_PEER").await;
    }
    let to_pending = t0.elapsed();

    // The customer creates its 200 sides; an observer notes when each connection turns ACTIVE.
    let c_arm = emu.sp_token(CUSTOMER_TENANT, &app_id, &secret, ARM).await;
    let c_aux = emu.sp_token(PROVIDER_TENANT, &app_id, &secret, ARM).await;
    let (cp_url, token) = (cp.url.clone(), cp.token.clone());
    let vpc_id = vpc.clone();
    let observer = tokio::spawn(async move {
        let http = reqwest::Client::new();
        let mut seen: HashMap<String, Instant> = HashMap::new();
        while seen.len() < CONNECTIONS {
            let v: serde_json::Value = http
                .get(format!("{cp_url}/v1/project/demo/vpcs/{vpc_id}"))
                .header("authorization", format!("aivenv1 {token}"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            for c in v["peering_connections"].as_array().unwrap() {
                if c["state"] == "ACTIVE" {
                    seen.entry(c["peer_vpc"].as_str().unwrap().to_string()).or_insert_with(Instant::now);
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        seen
    });
    let mut put_done = HashMap::new();
    for n in &names {
        let r = emu
            .put_peering(&vnet_id(CUSTOMER_SUB, "customer-rg", n), "to-provider", &provider_vnet, &c_arm, &[&c_aux])
            .await;
        assert!(r.status.is_success(), "{}", r.body);
        put_done.insert(n.clone(), Instant::now());
    }
    let seen = tokio::time::timeout(Duration::from_secs(600), observer).await.expect("all ACTIVE").unwrap();
    let mut lat: Vec<Duration> = names.iter().map(|n| seen[n].saturating_duration_since(put_done[n])).collect();
    lat.sort();
    let after = cp.metrics().await;
    let calls = total_calls(&after, true) - total_calls(&before, true);
    let arm_calls = total_calls(&after, false) - total_calls(&before, false);
    println!("control plane, {CONNECTIONS} connections, pending interval {pending_interval_ms} ms, ARM throttling at Azure defaults:");
    println!("  create → PENDING_PEER for all {CONNECTIONS}: {:.1} s", to_pending.as_secs_f64());
    println!(
        "  customer peering PUT → ACTIVE: median {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        percentile(&lat, 0.5).as_secs_f64() * 1000.0,
        percentile(&lat, 0.99).as_secs_f64() * 1000.0,
        lat.last().unwrap().as_secs_f64() * 1000.0
    );
    println!(
        "  Azure calls by the reconciler per connection: {:.2} ({:.2} ARM, the rest Graph)",
        calls as f64 / CONNECTIONS as f64,
        arm_calls as f64 / CONNECTIONS as f64
    );
}

/// A fresh PostgreSQL database on the local server (dropped by nobody: benchmarks only).
fn fresh_postgres() -> String {
    let name = format!("isthmus_bench_{}", uuid::Uuid::new_v4().simple());
    let out = std::process::Command::new("psql")
        .args(["postgres://postgres@127.0.0.1:5432/postgres", "-qc", &format!("CREATE DATABASE {name}")])
        .output()
        .expect("psql");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    format!("postgres://postgres@127.0.0.1:5432/{name}")
}

async fn vpc_read_throughput(database_url: Option<String>) {
    let store = if database_url.is_some() { "PostgreSQL" } else { "SQLite" };
    let emu = Emu::start().await;
    let cp = ControlPlane::start_with(&emu, ServeOptions { api_only: true, database_url, ..Default::default() }).await;
    let r = cp
        .call(Method::POST, "/vpcs", Some(json!({"cloud_name": "azure-westeurope", "network_cidr": "10.0.0.0/24"})))
        .await;
    let vpc = r.body["project_vpc_id"].as_str().unwrap().to_string();
    for i in 0..READ_CONNECTIONS {
        let r = cp
            .call(
                Method::POST,
                &format!("/vpcs/{vpc}/peering-connections"),
                Some(connection_body(&format!("vnet-{i}"), PROVIDER_APP)),
            )
            .await;
        assert_eq!(r.status, 201);
    }
    let first = cp.call(Method::GET, &format!("/vpcs/{vpc}"), None).await;
    assert_eq!(first.body["peering_connections"].as_array().map(Vec::len), Some(READ_CONNECTIONS));
    for changes_per_second in [0, WRITES_PER_SECOND] {
        let (rps, p50, p99) = read_rounds(&cp, &vpc, changes_per_second).await;
        let during = match changes_per_second {
            0 => "nothing changing".to_string(),
            n => format!("a connection changing {n} times/s"),
        };
        println!(
            "GET vpc with {READ_CONNECTIONS} connections on {store}, {CLIENTS} clients, {during} (median of 3 rounds): \
             {rps:.0} req/s, p50 {:.1} ms, p99 {:.1} ms",
            p50.as_secs_f64() * 1000.0,
            p99.as_secs_f64() * 1000.0
        );
    }
}

/// Three rounds of every client GETting the VPC; meanwhile, with `changes_per_second` > 0, a
/// writer adds and removes a peer CIDR of one connection (each a change every reader must see).
/// The median round: requests/s, p50, p99.
async fn read_rounds(cp: &ControlPlane, vpc: &str, changes_per_second: u32) -> (f64, Duration, Duration) {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = (changes_per_second > 0).then(|| {
        let (url, token, vpc, stop) = (cp.url.clone(), cp.token.clone(), vpc.to_string(), stop.clone());
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut tick = tokio::time::interval(Duration::from_secs(1) / changes_per_second);
            let mut n = 0usize;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                tick.tick().await;
                let cidr = format!("192.168.{}.0/24", n % 250);
                let body = if n.is_multiple_of(2) {
                    json!({"add": [{"peer_cloud_account": CUSTOMER_SUB, "peer_vpc": format!("vnet-{}", n % READ_CONNECTIONS), "cidr": cidr}]})
                } else {
                    json!({"delete": [format!("192.168.{}.0/24", (n - 1) % 250)]})
                };
                let r = http
                    .put(format!("{url}/v1/project/demo/vpcs/{vpc}/user-peer-network-cidrs"))
                    .header("authorization", format!("aivenv1 {token}"))
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
                n += 1;
            }
            n
        })
    });
    let mut rounds = Vec::new();
    for _ in 0..3 {
        let t0 = Instant::now();
        let tasks: Vec<_> = (0..CLIENTS)
            .map(|_| {
                let (url, token, vpc) = (cp.url.clone(), cp.token.clone(), vpc.to_string());
                tokio::spawn(async move {
                    let http = reqwest::Client::new();
                    let mut lat = Vec::new();
                    for _ in 0..GETS_PER_CLIENT {
                        let s = Instant::now();
                        let r = http
                            .get(format!("{url}/v1/project/demo/vpcs/{vpc}"))
                            .header("authorization", format!("aivenv1 {token}"))
                            .send()
                            .await
                            .unwrap();
                        assert_eq!(r.status(), 200);
                        r.bytes().await.unwrap();
                        lat.push(s.elapsed());
                    }
                    lat
                })
            })
            .collect();
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        let secs = t0.elapsed().as_secs_f64();
        all.sort();
        rounds.push((all.len() as f64 / secs, percentile(&all, 0.5), percentile(&all, 0.99)));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    if let Some(w) = writer {
        let changes = w.await.unwrap();
        assert!(changes > 0, "the writer made no change");
    }
    rounds.sort_by(|a, b| a.0.total_cmp(&b.0));
    rounds[1]
}

#[tokio::main]
async fn main() {
    if std::env::var("CP_BENCH").as_deref() != Ok("reads") {
        peering_latency(2000).await;
        peering_latency(200).await;
    }
    vpc_read_throughput(None).await;
    vpc_read_throughput(Some(fresh_postgres())).await;
}

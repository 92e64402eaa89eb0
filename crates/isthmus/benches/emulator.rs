//! Emulator benchmark: start-to-ready time, idle RSS, and `GET virtualNetwork` throughput and p99
//! at 16 concurrent clients (throttling raised). Loopback only.
//!
//!     cargo bench -p isthmus --bench emulator
//!
//! Prints medians over several runs: machines here are shared and noisy.

mod support;

use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};
use support::{client, median, rss_kib, start, Running};

const RUNS: usize = 5;
const CLIENTS: usize = 16;
const REQUESTS_PER_CLIENT: usize = 1500;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1).min(sorted.len() - 1)]
}

async fn throughput(emu: &Running, dir: &Path) -> (f64, Duration, Duration) {
    let http = client(dir);
    let knobs = json!({"throttling": {"reads": {"capacity": 1_000_000_000u64, "refillPerSecond": 1e9}}});
    http.patch(format!("{}/_emulator/knobs", emu.url))
        .header("x-emulator-admin-key", &emu.admin_key)
        .json(&knobs)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .expect("throttling raised");
    let tok: Value = http
        .post(format!("{}/22222222-2222-2222-2222-222222222222/oauth2/v2.0/token", emu.url))
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
    let token = tok["access_token"].as_str().unwrap().to_string();
    let url = format!(
        "{}/subscriptions/bbbbbbbb-0000-0000-0000-000000000002/resourceGroups/provider-rg/providers/Microsoft.Network/virtualNetworks/provider-vnet?api-version=2023-11-01",
        emu.url
    );
    let t0 = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (http, url, token) = (client(dir), url.clone(), token.clone());
            tokio::spawn(async move {
                let mut lat = Vec::with_capacity(REQUESTS_PER_CLIENT);
                for _ in 0..REQUESTS_PER_CLIENT {
                    let s = Instant::now();
                    let r = http.get(&url).bearer_auth(&token).send().await.unwrap();
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
    let elapsed = t0.elapsed().as_secs_f64();
    all.sort();
    (all.len() as f64 / elapsed, percentile(&all, 0.5), percentile(&all, 0.99))
}

#[tokio::main]
async fn main() {
    let (mut fresh, mut warm, mut rss, mut rps, mut p50s, mut p99s) = (vec![], vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..RUNS {
        let tmp = tempfile::tempdir().unwrap();
        let (mut emu, t) = start(tmp.path()).await;
        fresh.push(t.as_secs_f64() * 1000.0);
        emu.child.start_kill().unwrap();
        emu.child.wait().await.unwrap();
        let (mut emu, t) = start(tmp.path()).await;
        warm.push(t.as_secs_f64() * 1000.0);
        tokio::time::sleep(Duration::from_secs(1)).await;
        rss.push(rss_kib(emu.child.id().unwrap()) as f64 / 1024.0);
        let (r, p50, p99) = throughput(&emu, tmp.path()).await;
        rps.push(r);
        p50s.push(p50.as_secs_f64() * 1000.0);
        p99s.push(p99.as_secs_f64() * 1000.0);
        emu.child.start_kill().unwrap();
        emu.child.wait().await.unwrap();
    }
    println!("emulator benchmark ({RUNS} runs, medians)");
    println!("  start-to-ready, fresh data dir (keys + certs minted, world loaded): {:.0} ms", median(fresh));
    println!("  start-to-ready, existing data dir:                                 {:.0} ms", median(warm));
    println!("  idle RSS after ready:                                              {:.1} MiB", median(rss));
    println!("  GET virtualNetwork, {CLIENTS} clients x {REQUESTS_PER_CLIENT} requests:  {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms", median(rps), median(p50s), median(p99s));
}

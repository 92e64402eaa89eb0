//! The emulator under a hostile tenant: its memory idle and after oversized unauthenticated
//! requests, and how much a password-spraying attack slows everyone else. Loopback only.
//!
//!     cargo bench -p isthmus --bench emulator_hostile
//!
//! Prints medians over several runs: machines here are shared and noisy.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};
use support::{client, median, rss_kib, start, Running};

const RUNS: usize = 5;
const OVERSIZED: usize = 40;
const SPRAYERS: usize = 8;
/// How long the probe measures while the sprayers run.
const SPRAY_SECONDS: u64 = 3;
/// Users sprayed: each takes ten hashed guesses before the lockout turns the rest away unhashed.
const USERS: usize = 100;
const CLI: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

/// RSS idle, after `OVERSIZED` device-code requests with a 3 MiB `scope` each, after as many again
/// (what stays for good shows as growth between the two), then after 1,000 pending codes.
async fn memory(emu: &Running, dir: &Path) -> (f64, f64, f64, f64) {
    let http = client(dir);
    let pid = emu.child.id().unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = rss_kib(pid) as f64 / 1024.0;
    let scope = "x".repeat(3 * 1024 * 1024);
    let url = format!("{}/organizations/oauth2/v2.0/devicecode", emu.url);
    let mut after = Vec::new();
    for _ in 0..2 {
        for _ in 0..OVERSIZED {
            let r = http.post(&url).form(&[("client_id", CLI), ("scope", scope.as_str())]).send().await.unwrap();
            assert_eq!(r.status(), 400);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        after.push(rss_kib(pid) as f64 / 1024.0);
    }
    for _ in 0..1000 {
        http.post(&url).form(&[("client_id", CLI), ("scope", "openid")]).send().await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    (idle, after[0], after[1], rss_kib(pid) as f64 / 1024.0)
}

/// Median latency of an unauthenticated request (the OpenID configuration), alone and while
/// `SPRAYERS` clients send wrong passwords for `USERS` users as fast as they can.
async fn spraying(emu: &Running, dir: &Path) -> (f64, f64, u64) {
    let users: Vec<String> = (0..USERS).map(|i| format!("user{i}@spray.example")).collect();
    let world = serde_json::json!({"tenants": [{"displayName": "Spray", "defaultDomain": "spray.example",
        "users": users.iter().map(|u| serde_json::json!({"userPrincipalName": u, "password": "Right-Pass-1"})).collect::<Vec<_>>()}]});
    let added = client(dir)
        .post(format!("{}/_emulator/world", emu.url))
        .header("x-emulator-admin-key", &emu.admin_key)
        .json(&world)
        .send()
        .await
        .unwrap();
    assert!(added.status().is_success());
    let probe = |http: reqwest::Client, url: String, for_at_least: Duration| async move {
        let (mut lat, t0) = (Vec::new(), Instant::now());
        while lat.len() < 300 || t0.elapsed() < for_at_least {
            let s = Instant::now();
            let r = http.get(&url).send().await.unwrap();
            assert_eq!(r.status(), 200);
            r.bytes().await.unwrap();
            lat.push(s.elapsed().as_secs_f64() * 1000.0);
        }
        median(lat)
    };
    let oidc = format!("{}/organizations/v2.0/.well-known/openid-configuration", emu.url);
    let quiet = probe(client(dir), oidc.clone(), Duration::ZERO).await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let users = std::sync::Arc::new(users);
    let sprayers: Vec<_> = (0..SPRAYERS)
        .map(|i| {
            let (http, stop, users) = (client(dir), stop.clone(), users.clone());
            let url = format!("{}/organizations/oauth2/v2.0/token", emu.url);
            tokio::spawn(async move {
                let mut sent = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let user = users[(i + sent as usize * SPRAYERS) % users.len()].as_str();
                    let form =
                        [("grant_type", "password"), ("client_id", CLI), ("username", user), ("password", "guess")];
                    let _ = http.post(&url).form(&form).send().await;
                    sent += 1;
                }
                sent
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let loaded = probe(client(dir), oidc, Duration::from_secs(SPRAY_SECONDS)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut guesses = 0;
    for s in sprayers {
        guesses += s.await.unwrap();
    }
    (quiet, loaded, guesses)
}

#[tokio::main]
async fn main() {
    let (mut idle, mut oversized, mut twice, mut pending, mut quiet, mut loaded, mut guesses) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..RUNS {
        let tmp = tempfile::tempdir().unwrap();
        let (mut emu, _) = start(tmp.path()).await;
        let (i, o, t, p) = memory(&emu, tmp.path()).await;
        idle.push(i);
        oversized.push(o);
        twice.push(t);
        pending.push(p);
        let (q, l, g) = spraying(&emu, tmp.path()).await;
        quiet.push(q);
        loaded.push(l);
        guesses.push(g as f64);
        emu.child.start_kill().unwrap();
        emu.child.wait().await.unwrap();
    }
    println!("emulator under a hostile tenant ({RUNS} runs, medians)");
    println!("  RSS idle after ready:                                     {:.1} MiB", median(idle));
    println!("  RSS after {OVERSIZED} device-code requests with a 3 MiB scope:   {:.1} MiB", median(oversized));
    println!("  ... after {OVERSIZED} more:                                         {:.1} MiB", median(twice));
    println!("  RSS after 1,000 more pending device codes (the cap):      {:.1} MiB", median(pending));
    let (q, l) = (median(quiet), median(loaded));
    println!("  unauthenticated request, quiet:                           {q:.2} ms");
    println!(
        "  ... while {SPRAYERS} clients spray wrong passwords at {USERS} users: {l:.2} ms ({:.1}x; {:.0} guesses in {SPRAY_SECONDS} s)",
        l / q,
        median(guesses)
    );
}

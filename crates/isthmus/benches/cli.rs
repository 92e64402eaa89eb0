//! Wall times of the user-facing commands, medians over several runs (loopback only):
//! `isthmus up` to its `ready` line (fresh and existing data dir), `isthmus demo`, and one
//! `isthmus azure connect` run to ACTIVE (the device-code sign-in answered as a browser would).
//!
//!     cargo bench -p isthmus --bench cli

#[path = "../tests/common/mod.rs"]
mod common;

use common::cp::*;
use common::*;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const RUNS: usize = 5;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn up_to_ready(dir: &std::path::Path) -> Duration {
    let t0 = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_isthmus"))
        .args(["up", "--data-plane=off", "--data-dir"])
        .arg(dir)
        .args(["--azure-listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while let Some(l) = lines.next_line().await.unwrap() {
        if l.starts_with("ready ") {
            break;
        }
    }
    let took = t0.elapsed();
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    took
}

async fn demo() -> Duration {
    let t0 = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_isthmus")).arg("demo").output().await.unwrap();
    assert!(out.status.success());
    t0.elapsed()
}

/// One `azure connect` to ACTIVE on a fresh emulator + control plane; returns its wall time.
async fn connect() -> Duration {
    let emu = Emu::start().await;
    let cp = ControlPlane::start(&emu).await;
    let (vpc, _) = cp.active_vpc("10.20.0.0/24").await;
    let state = tempfile::tempdir().unwrap();
    let t0 = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_isthmus"))
        .args(["azure", "connect", "--project-vpc-id", &vpc, "--vnet-id", &customer_vnet()])
        .env("AIVEN_WEB_URL", &cp.url)
        .env("AIVEN_AUTH_TOKEN", &cp.token)
        .env("AIVEN_PROJECT", &cp.project)
        .env("ISTHMUS_AZURE_URL", &emu.url)
        .env("ISTHMUS_AZURE_CA", emu.dir.join("ca.pem"))
        .env("ISTHMUS_PROVIDER_APP_ID", PROVIDER_APP)
        .env("XDG_STATE_HOME", state.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap()).lines();
    let (url, http) = (emu.url.clone(), emu.http.clone());
    tokio::spawn(async move {
        while let Ok(Some(line)) = err.next_line().await {
            if let Some(i) = line.find("enter the code ") {
                let code = line[i + 15..].split_whitespace().next().unwrap_or("").to_string();
                let form = [("code", code.as_str()), ("username", CUSTOMER_ADMIN.0), ("password", CUSTOMER_ADMIN.1)];
                http.post(format!("{url}/devicelogin")).form(&form).send().await.unwrap();
            }
        }
    });
    let status = child.wait().await.unwrap();
    assert!(status.success(), "azure connect failed");
    t0.elapsed()
}

#[tokio::main]
async fn main() {
    let (mut fresh, mut again) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let dir = tempfile::tempdir().unwrap();
        fresh.push(up_to_ready(dir.path()).await);
        again.push(up_to_ready(dir.path()).await);
    }
    let mut demos = Vec::new();
    for _ in 0..RUNS {
        demos.push(demo().await);
    }
    let mut connects = Vec::new();
    for _ in 0..3 {
        connects.push(connect().await);
    }
    println!("CLI wall times (medians)");
    println!("  isthmus up → ready, fresh data dir ({RUNS} runs):    {:.0} ms", median(fresh).as_secs_f64() * 1000.0);
    println!("  isthmus up → ready, existing data dir ({RUNS} runs): {:.0} ms", median(again).as_secs_f64() * 1000.0);
    println!("  isthmus demo, all 15 steps to ACTIVE ({RUNS} runs): {:.0} ms", median(demos).as_secs_f64() * 1000.0);
    println!(
        "  isthmus azure connect to ACTIVE (3 runs):       {:.0} ms (includes the device-code poll interval of 1 s)",
        median(connects).as_secs_f64() * 1000.0
    );
}

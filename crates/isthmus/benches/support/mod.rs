//! What the emulator benchmarks share: starting the real binary, its memory, a client trusting its CA.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct Running {
    pub child: Child,
    pub url: String,
    pub admin_key: String,
}

pub fn world() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/two-tenants.json")
}

pub async fn start(dir: &Path) -> (Running, Duration) {
    let t0 = Instant::now();
    let running = start_with(dir, &world(), &[]).await;
    (running, t0.elapsed())
}

/// Starts the emulator on `dir` with `world` and extra environment; `ISTHMUS_BENCH_BIN` runs
/// another build of `isthmus` (to measure before and after on one harness).
pub async fn start_with(dir: &Path, world: &Path, env: &[(&str, &str)]) -> Running {
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

pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

pub fn client(dir: &Path) -> reqwest::Client {
    let ca = std::fs::read(dir.join("ca.pem")).unwrap();
    reqwest::Client::builder().tls_certs_only([reqwest::Certificate::from_pem(&ca).unwrap()]).build().unwrap()
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

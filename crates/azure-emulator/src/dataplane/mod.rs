//! The data plane: VNets as Linux network namespaces, NICs as hosts attached to them, peerings as
//! links that exist only while both sides are `Connected`. A loop realizes the emulator's state
//! (never side effects in handlers), so a restart rebuilds the same network; everything lives
//! under a prefix derived from the data dir and is removed at shutdown.
//!
//! Off unless asked for (`EmulatorConfig::data_plane`), and only as root for now; otherwise the
//! emulator says why at start and serves ARM and Graph as before.

pub mod names;
pub mod netns;
pub mod plan;

use crate::model::state::State;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How often the state is compared with what was realized: a removed peering cuts the path
/// within this (plus the time the commands take).
const POLL: Duration = Duration::from_millis(200);

/// Why the data plane cannot run here, if it cannot.
pub fn unavailable() -> Option<String> {
    // The effective uid, from /proc (no libc call needed).
    let root = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        .unwrap_or(false);
    if !root {
        return Some("the data plane needs root (network namespaces); run as root to enable it".into());
    }
    if std::process::Command::new("ip").arg("-V").output().is_err() {
        return Some("the data plane needs iproute2's `ip` on PATH (Debian: apt-get install iproute2)".into());
    }
    None
}

/// Runs until `stop` turns true, then removes everything it made. `state` reads the current
/// state (a new `Arc` after every write).
pub async fn run(state: impl Fn() -> Arc<State>, dir: &Path, mut stop: watch::Receiver<bool>) {
    let names = names::Names::for_data_dir(dir);
    let start = names.clone();
    let Ok(mut realizer) = tokio::task::spawn_blocking(move || netns::Realizer::new(start)).await else { return };
    let mut last: Option<Arc<State>> = None;
    loop {
        let now = state();
        if last.as_ref().is_none_or(|l| !Arc::ptr_eq(l, &now)) {
            let want = plan::desired(&now, &names);
            realizer = match tokio::task::spawn_blocking(move || {
                realizer.apply(&want);
                realizer
            })
            .await
            {
                Ok(r) => r,
                Err(_) => return,
            };
            last = Some(now);
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => break,
        }
    }
    let _ = tokio::task::spawn_blocking(move || realizer.clear()).await;
}

//! `isthmus up` as a child process: started on loopback ports in a data dir, read through its
//! ready line, env.sh and world.json, and called through its API.

use reqwest::Method;
use serde_json::Value;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct Up {
    pub child: Child,
    pub api: String,
    pub env: std::collections::HashMap<String, String>,
    pub world: Value,
}

pub async fn up(dir: &std::path::Path) -> Up {
    up_with(dir, "--data-plane=off").await
}

pub async fn up_with(dir: &std::path::Path, data_plane: &str) -> Up {
    let mut child = Command::new(env!("CARGO_BIN_EXE_isthmus"))
        .args(["up", data_plane, "--data-dir"])
        .arg(dir)
        .args(["--azure-listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(l) = lines.next_line().await.unwrap() {
            if l.starts_with("ready ") {
                return l;
            }
        }
        panic!("up exited before ready")
    })
    .await
    .unwrap();
    let api = ready.split_whitespace().find_map(|w| w.strip_prefix("api=")).unwrap().to_string();
    let env = std::fs::read_to_string(dir.join("env.sh"))
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("export "))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.trim_matches('\'').to_string()))
        .collect();
    let world = serde_json::from_str(&std::fs::read_to_string(dir.join("world.json")).unwrap()).unwrap();
    Up { child, api, env, world }
}

impl Up {
    /// SIGTERM, as Ctrl-C or a service manager stops it, and its exit within 30 s.
    pub async fn terminate(mut self) {
        let pid = self.child.id().expect("still running").to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().await.unwrap().success());
        tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await.expect("up stops on SIGTERM").unwrap();
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let mut req = reqwest::Client::new()
            .request(method, format!("{}/v1/project/demo{path}", self.api))
            .header("authorization", format!("aivenv1 {}", self.env["AIVEN_AUTH_TOKEN"]));
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.unwrap().json().await.unwrap()
    }

    pub async fn wait_state(&self, vpc: &str, vnet: &str, state: &str) -> Value {
        for _ in 0..300 {
            let v = self.call(Method::GET, &format!("/vpcs/{vpc}"), None).await;
            if let Some(c) = v["peering_connections"].as_array().and_then(|a| a.iter().find(|c| c["peer_vpc"] == vnet))
            {
                if c["state"] == state {
                    return c.clone();
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{vnet} never reached {state}");
    }
}

/// Removes the namespaces of a stack's data dir when a test ends, passed or not.
pub struct SweepOnDrop(pub azure_emulator::dataplane::names::Names);

impl Drop for SweepOnDrop {
    fn drop(&mut self) {
        azure_emulator::dataplane::netns::sweep(&self.0);
    }
}

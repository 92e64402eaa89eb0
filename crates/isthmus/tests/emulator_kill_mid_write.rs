//! `kill -9` while ARM writes are in flight, several times over on one data dir, with the log
//! compacted often: after each restart every acknowledged write is there (creates, updates,
//! deletes), whatever the kill cut short.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const WRITERS: usize = 4;
const ROUNDS: usize = 4;

/// A VNet as a write leaves it: its tag, or `None` when absent.
type Outcome = Option<u32>;
/// Per VNet: what its last acknowledged write left, and what the write in flight would leave (a
/// kill may land before or after that one is made durable).
type Acked = Arc<Mutex<BTreeMap<String, (Outcome, Option<Outcome>)>>>;

fn body(prefix: u32, tag: u32) -> Value {
    json!({"location": "westeurope", "tags": {"n": tag.to_string()},
           "properties": {"addressSpace": {"addressPrefixes": [format!("10.{}.{}.0/24", 100 + prefix / 256, prefix % 256)]}}})
}

async fn writer(emu: Arc<Emu>, token: String, round: usize, w: usize, acked: Acked) {
    for i in 0u32.. {
        let name = format!("r{round}-w{w}-{i}");
        let id = vnet_id(CUSTOMER_SUB, "customer-rg", &name);
        let prefix = (round * 1000 + w * 200) as u32 + i;
        let url = format!("{id}?{NET_API}");
        // Create, update, and delete every third one: three kinds of logged change.
        let steps: &[(Method, Option<u32>)] = if i % 3 == 0 {
            &[(Method::PUT, Some(1)), (Method::PUT, Some(2)), (Method::DELETE, None)]
        } else {
            &[(Method::PUT, Some(1)), (Method::PUT, Some(2))]
        };
        for (method, tag) in steps {
            acked.lock().unwrap().entry(id.to_ascii_lowercase()).or_insert((None, None)).1 = Some(*tag);
            let sent = emu.http.request(method.clone(), format!("{}{url}", emu.url)).bearer_auth(&token);
            let sent = if let Some(t) = tag { sent.json(&body(prefix, *t)) } else { sent };
            let Ok(reply) = sent.send().await else { return }; // the emulator was killed
            if !reply.status().is_success() {
                let status = reply.status();
                panic!("{method} {name}: {status} {}", reply.text().await.unwrap_or_default());
            }
            acked.lock().unwrap().insert(id.to_ascii_lowercase(), (*tag, None));
        }
    }
}

/// Checks every VNet against its acknowledged writes, then pins down what the kill decided.
async fn assert_all_there(emu: &Emu, token: &str, acked: &Acked) {
    let expected = acked.lock().unwrap().clone();
    for (id, (done, in_flight)) in expected {
        let r = emu.arm(Method::GET, &format!("{id}?{NET_API}"), token, &[], None).await;
        let found: Outcome = match r.status.as_u16() {
            200 => Some(r.body["tags"]["n"].as_str().unwrap().parse().unwrap()),
            404 => None,
            s => panic!("GET {id}: {s} {}", r.body),
        };
        assert!(
            found == done || Some(found) == in_flight,
            "{id}: acknowledged {done:?} (then {in_flight:?} in flight), found {found:?}"
        );
        acked.lock().unwrap().insert(id, (found, None));
    }
}

/// Waits until `pid` has died (a zombie or gone), so no write of it can land after.
async fn wait_dead(pid: &str) {
    loop {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        if status.is_empty() || status.lines().any(|l| l.starts_with("State:") && l.contains('Z')) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_write_acknowledged_before_kill_9_mid_write_survives() {
    let tmp = tempfile::tempdir().unwrap();
    let world = fixture("two-tenants.json");
    let acked: Acked = Arc::default();
    // A small log threshold, so compactions run (and are killed) during the test.
    std::env::set_var("ISTHMUS_EMULATOR_COMPACT_AT_BYTES", "20000");
    for round in 0..=ROUNDS {
        let emu = Arc::new(Emu::start_in(tmp.path(), Some(&world)).await);
        let raised = json!({"throttling": {"writes": {"capacity": 100000, "refillPerSecond": 100000},
                                           "deletes": {"capacity": 100000, "refillPerSecond": 100000},
                                           "reads": {"capacity": 100000, "refillPerSecond": 100000}}});
        assert_eq!(emu.admin(Method::PATCH, "knobs", Some(raised)).await.status, 200);
        let token = emu.user_token(CUSTOMER_ADMIN, ARM).await;
        assert_all_there(&emu, &token, &acked).await;
        if round == ROUNDS {
            break;
        }
        let before = acked.lock().unwrap().len();
        let tasks: Vec<_> =
            (0..WRITERS).map(|w| tokio::spawn(writer(emu.clone(), token.clone(), round, w, acked.clone()))).collect();
        // Kill once enough writes landed, while the writers are still sending.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while acked.lock().unwrap().len() < before + 60 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let pid = emu.pid().expect("running").to_string();
        let killed = tokio::process::Command::new("kill").args(["-KILL", &pid]).status().await.unwrap();
        assert!(killed.success());
        wait_dead(&pid).await;
        for t in tasks {
            t.await.unwrap();
        }
        assert!(acked.lock().unwrap().len() >= before + 60, "round {round}: the writers made progress");
    }
    let snapshot: Value = serde_json::from_slice(&std::fs::read(tmp.path().join("state.json")).unwrap()).unwrap();
    assert!(snapshot["seq"].as_u64().unwrap() > 0, "compactions ran between the kills");
}

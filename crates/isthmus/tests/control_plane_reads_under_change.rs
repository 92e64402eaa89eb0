//! Reads stay correct while connections change: clients reading a VPC (its `get`, and the VPC
//! list) while connections are created, set up by the reconciler and deleted never see
//! a connection twice, a state outside the table, a created one vanish, or a deleted one return.

mod common;

use common::cp::{connection_body, customer_setup, ControlPlane};
use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const CONNECTIONS: usize = 30;
const DELETED: usize = 10;
const READERS: usize = 4;
const STATES: [&str; 9] = [
    "APPROVED",
    "PENDING_PEER",
    "ACTIVE",
    "INVALID_SPECIFICATION",
    "REJECTED_BY_PEER",
    "DELETING",
    "DELETED",
    "DELETED_BY_PEER",
    "ERROR",
];

/// What one reader has seen so far: peer VNets present, and those seen gone (DELETED or absent
/// after being deleted).
#[derive(Default)]
struct Seen {
    present: HashSet<String>,
    gone: HashSet<String>,
    reads: usize,
}

fn check(seen: &mut Seen, list: &[Value], deleting: &HashSet<String>) {
    let mut here = HashSet::new();
    for c in list {
        let vnet = c["peer_vpc"].as_str().expect("peer_vpc").to_string();
        let state = c["state"].as_str().expect("state");
        assert!(STATES.contains(&state), "unknown state {state}");
        let live = state != "DELETED" && state != "DELETED_BY_PEER";
        if live {
            assert!(here.insert(vnet.clone()), "a live connection to {vnet} listed twice: {list:?}");
            assert!(!seen.gone.contains(&vnet), "{vnet} came back after it was seen gone");
        } else {
            seen.gone.insert(vnet.clone());
        }
    }
    for vnet in &seen.present {
        if !here.contains(vnet) {
            assert!(deleting.contains(vnet), "{vnet} vanished without being deleted");
            seen.gone.insert(vnet.clone());
        }
    }
    seen.present.extend(here);
    seen.reads += 1;
}

#[tokio::test]
async fn reads_stay_consistent_while_connections_change() {
    let emu = Emu::start().await;
    let cp = Arc::new(ControlPlane::start(&emu).await);
    let (vpc, _) = cp.active_vpc("10.40.0.0/24").await;
    let rg = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg");
    let (app_id, _) = customer_setup(&emu, "reads", true, Some(&rg)).await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let names: Vec<String> = (0..CONNECTIONS).map(|i| format!("reads-{i}")).collect();
    for (i, n) in names.iter().enumerate() {
        let body = json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": [format!("172.21.{i}.0/24")]}}});
        let path = format!("{}?{NET_API}", vnet_id(CUSTOMER_SUB, "customer-rg", n));
        assert_eq!(emu.arm(Method::PUT, &path, &admin, &[], Some(body)).await.status, 201);
    }
    let deleting: HashSet<String> = names[..DELETED].iter().cloned().collect();

    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..READERS)
        .map(|i| {
            let (cp, vpc, stop, deleting) = (cp.clone(), vpc.clone(), stop.clone(), deleting.clone());
            tokio::spawn(async move {
                let mut seen = Seen::default();
                while !stop.load(Ordering::Relaxed) {
                    let r = cp.call(Method::GET, &format!("/vpcs/{vpc}"), None).await;
                    assert_eq!(r.status, 200, "{}", r.body);
                    check(&mut seen, r.body["peering_connections"].as_array().expect("a list"), &deleting);
                    if (seen.reads + i) % 2 == 0 {
                        let all = cp.call(Method::GET, "/vpcs", None).await;
                        assert_eq!(all.status, 200, "{}", all.body);
                        let ours: Vec<_> = all.body["vpcs"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .filter(|v| v["project_vpc_id"] == vpc.as_str())
                            .collect();
                        assert_eq!(ours.len(), 1, "the VPC listed once: {}", all.body);
                        assert_eq!(ours[0]["state"], "ACTIVE");
                    }
                }
                seen
            })
        })
        .collect();

    let creates: Vec<_> = names
        .iter()
        .map(|n| {
            let (cp, vpc, body) = (cp.clone(), vpc.clone(), connection_body(n, &app_id));
            tokio::spawn(
                async move { cp.call(Method::POST, &format!("/vpcs/{vpc}/peering-connections"), Some(body)).await },
            )
        })
        .collect();
    for c in creates {
        let r = c.await.unwrap();
        assert_eq!(r.status, 201, "{}", r.body);
    }
    for n in &names {
        cp.wait_for(&vpc, n, "PENDING_PEER").await;
    }
    for n in &names[..DELETED] {
        let path = format!("/vpcs/{vpc}/peering-connections/peer-accounts/{CUSTOMER_SUB}/peer-resource-groups/customer-rg/peer-vpcs/{n}");
        let r = cp.call(Method::DELETE, &path, None).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let final_states: HashMap<String, String> = loop {
        let v = cp.call(Method::GET, &format!("/vpcs/{vpc}"), None).await;
        let states: HashMap<String, String> = v.body["peering_connections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["peer_vpc"].as_str().unwrap().to_string(), c["state"].as_str().unwrap().to_string()))
            .collect();
        if deleting.iter().all(|n| !states.contains_key(n) || states[n] == "DELETED") {
            break states;
        }
        assert!(std::time::Instant::now() < deadline, "deletes never finished: {states:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        let seen = r.await.unwrap();
        assert!(seen.reads > 10, "each reader read while things changed ({} reads)", seen.reads);
    }
    for n in &names[DELETED..] {
        assert_eq!(final_states.get(n).map(String::as_str), Some("PENDING_PEER"), "{n}");
    }
}

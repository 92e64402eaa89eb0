//! The request budget against the emulator with ARM's default throttling (reads: 250, 25/s).

mod common;

use azure_client::arm::NETWORK_API_VERSION;
use azure_client::{
    ArmClient, BucketLimit, BudgetLimits, PeeringState, RequestBudget, RequestKind, RetryPolicy, Tenants,
};
use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// Fires `n` concurrent VNet reads; the 429s come back as errors, since nothing retries them.
async fn reads(arm: &ArmClient, n: usize) -> usize {
    let mut set = JoinSet::new();
    for _ in 0..n {
        let arm = arm.clone();
        set.spawn(async move { arm.get_virtual_network(PROVIDER_TENANT, &provider_vnet()).await });
    }
    let mut throttled = 0;
    while let Some(r) = set.join_next().await {
        match r.unwrap() {
            Ok(v) => assert!(v.is_some()),
            Err(e) if e.status() == Some(429) => throttled += 1,
            Err(e) => panic!("{e}"),
        }
    }
    throttled
}

fn client(env: &Env) -> ArmClient {
    ArmClient::new(&env.endpoints, env.provider()).unwrap().with_retry(RetryPolicy::none())
}

#[tokio::test]
async fn four_hundred_reads_are_paced_without_a_429() {
    let env = start().await;
    let arm = client(&env);
    let started = Instant::now();
    assert_eq!(reads(&arm, 400).await, 0);
    let elapsed = started.elapsed();
    let s = arm.budget().stats();
    println!("400 reads in {elapsed:?}: {s:?}");
    assert_eq!((s.reads, s.throttled), (400, 0));
    // 250 at once, the other 150 at 25 a second.
    assert!(s.waits >= 140, "{s:?}");
    assert!(elapsed >= Duration::from_millis(5500), "{elapsed:?}");
}

#[tokio::test]
async fn without_a_budget_the_same_burst_is_throttled() {
    let env = start().await;
    let arm = client(&env).with_budget(unpaced());
    let throttled = reads(&arm, 400).await;
    println!("400 reads without a budget: {throttled} throttled");
    // How many depends on how fast this machine sends them; the emulator refills meanwhile.
    assert!(throttled > 0);
    assert_eq!(arm.budget().stats().throttled, throttled as u64);
}

#[tokio::test]
async fn the_remaining_header_lowers_the_bucket_another_client_spent() {
    let env = start().await;
    let arm = client(&env);
    assert_eq!(reads(&arm, 1).await, 0);
    let local = || arm.budget().available(PROVIDER_SUB, RequestKind::Read).unwrap();
    assert!(local() > 240.0, "{}", local());
    // Another client of the same principal (another replica) spends 200 reads.
    assert_eq!(reads(&client(&env), 200).await, 0);
    assert!(local() > 240.0, "nothing told this client yet");
    assert_eq!(reads(&arm, 1).await, 0);
    // The answer said about 50 were left (plus what flowed back in meanwhile).
    assert!(local() < 120.0, "{}", local());
    // So the next burst is paced instead of throttled.
    assert_eq!(reads(&arm, 100).await, 0);
    let s = arm.budget().stats();
    assert_eq!((s.reads, s.throttled), (102, 0));
    assert!(s.waits > 0, "{s:?}");
}

fn vnet_path(name: &str) -> String {
    provider_vnet().replace("provider-vnet", name)
}

#[tokio::test]
async fn lists_vnets_with_their_peerings_across_pages() {
    let env = start().await;
    env.admin(Method::PATCH, "knobs", json!({"listPageSize": 1})).await;
    let arm = ArmClient::new(&env.endpoints, env.provider()).unwrap().with_retry(fast_retry());
    let provider = Tenants::new(PROVIDER_TENANT);
    for (name, prefix) in [("vnet-b", "10.20.0.0/16"), ("vnet-c", "10.30.0.0/16")] {
        let body = json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": [prefix]}}});
        let _: Value = arm.put(&provider, &vnet_path(name), NETWORK_API_VERSION, &body).await.unwrap();
    }
    arm.put_peering(&provider, &provider_vnet(), "to-b", &vnet_path("vnet-b")).await.unwrap();
    arm.put_peering(&provider, &vnet_path("vnet-b"), "to-a", &provider_vnet()).await.unwrap();
    arm.put_peering(&provider, &provider_vnet(), "to-c", &vnet_path("vnet-c")).await.unwrap();

    let before = arm.budget().stats().reads;
    let mut vnets = arm.list_virtual_networks(PROVIDER_TENANT, PROVIDER_SUB).await.unwrap();
    // One page per VNet.
    assert_eq!(arm.budget().stats().reads - before, 3);
    vnets.sort_by(|a, b| a.name.cmp(&b.name));
    let names: Vec<_> = vnets.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["provider-vnet", "vnet-b", "vnet-c"]);
    assert_eq!(vnets[0].id.to_ascii_lowercase(), provider_vnet().to_ascii_lowercase());
    let mut a: Vec<_> = vnets[0].peerings.iter().map(|p| (p.name.as_str(), p.peering_state.clone())).collect();
    a.sort_by_key(|(n, _)| *n);
    assert_eq!(a, [("to-b", PeeringState::Connected), ("to-c", PeeringState::Initiated)]);
    let before = arm.budget().stats().reads;
    let mut listed = arm.list_peerings(PROVIDER_TENANT, &provider_vnet()).await.unwrap();
    assert_eq!(arm.budget().stats().reads - before, 2, "a list of the peerings pages: one per peering here");
    listed.sort_by(|a, b| a.name.cmp(&b.name));
    let mut embedded = vnets[0].peerings.clone();
    embedded.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(embedded, listed);
    let before = arm.budget().stats().reads;
    let mut read = arm.read_peerings(PROVIDER_TENANT, &provider_vnet()).await.unwrap();
    assert_eq!(arm.budget().stats().reads - before, 1, "the VNet's own read holds every peering");
    read.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(read, listed);
    assert_eq!(vnets[1].peerings[0].remote_vnet_id.to_ascii_lowercase(), provider_vnet().to_ascii_lowercase());
    assert!(vnets[2].peerings.is_empty());

    // The background view reads the same.
    let background = arm.background();
    let mut again = background.list_virtual_networks(PROVIDER_TENANT, PROVIDER_SUB).await.unwrap();
    again.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(again, vnets);
    let mut listed = background.read_peerings(PROVIDER_TENANT, &provider_vnet()).await.unwrap();
    listed.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(listed, embedded);
    assert_eq!(arm.budget().stats().throttled, 0);
}

#[tokio::test]
async fn background_reads_stop_at_the_reserve_foreground_does_not() {
    let env = start().await;
    let b = BucketLimit { capacity: 10.0, refill_per_second: 2.0 };
    let limits =
        BudgetLimits { reads: b, writes: b, deletes: b, background_reserve: 0.5, initial_latency: Duration::ZERO };
    let arm = client(&env).with_budget(Arc::new(RequestBudget::new(limits).unwrap()));
    let sweep = arm.background();
    let started = Instant::now();
    for _ in 0..5 {
        sweep.read_peerings(PROVIDER_TENANT, &provider_vnet()).await.unwrap();
    }
    assert_eq!(arm.budget().stats().waits, 0);
    // Five tokens left, the reserve: the sixth background read waits for one to flow in.
    sweep.read_peerings(PROVIDER_TENANT, &provider_vnet()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(400), "{:?}", started.elapsed());
    assert_eq!(arm.budget().stats().waits, 1);
    // Foreground still finds the reserve.
    assert_eq!(reads(&arm, 5).await, 0);
    assert_eq!(arm.budget().stats().waits, 1);
}

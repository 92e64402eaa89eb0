//! Crash safety: `serve` aborted (as by `kill -9`) right after each Azure step of the flow, then
//! restarted, converges to ACTIVE with exactly one provider peering and no connection lost; the same
//! for deletion. And two replicas on one PostgreSQL perform each connection's Azure writes once.

mod common;

use common::cp::*;
use common::*;
use reqwest::Method;
use serde_json::Value;

async fn provider_peerings(emu: &Emu, vnet: &str) -> Vec<Value> {
    let p_arm = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    let r = emu.arm(Method::GET, &format!("{vnet}/virtualNetworkPeerings?{NET_API}"), &p_arm, &[], None).await;
    r.body["value"].as_array().unwrap().clone()
}

async fn crash_then_converge(step: &'static str) {
    let emu = Emu::start().await;
    let rg_scope = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg");
    let (app_id, secret) = customer_setup(&emu, step, true, Some(&rg_scope)).await;
    // a first run builds the VPC, then the crashing run meets the connection
    let cp = ControlPlane::start(&emu).await;
    let (vpc, provider_vnet) = cp.active_vpc("10.20.0.0/24").await;
    let dir = cp.kill9().await;
    let token = create_project(&dir, &ServeOptions::default(), "demo", "ops@provider.example").await;
    let cp = ControlPlane::spawn(&emu, dir, token, ServeOptions { crash_at: Some(step), ..Default::default() }).await;
    let r = cp
        .call(
            Method::POST,
            &format!("/vpcs/{vpc}/peering-connections"),
            Some(connection_body("customer-vnet", &app_id)),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let (dir, token) = cp.wait_for_crash().await;

    let cp = ControlPlane::spawn(&emu, dir, token, ServeOptions::default()).await;
    let pending = cp.wait_for(&vpc, "customer-vnet", "PENDING_PEER").await;
    let c_arm = emu.sp_token(CUSTOMER_TENANT, &app_id, &secret, ARM).await;
    let c_aux = emu.sp_token(PROVIDER_TENANT, &app_id, &secret, ARM).await;
    let to = pending["state_info"]["to-network-id"].as_str().unwrap();
    assert_eq!(emu.put_peering(&customer_vnet(), "to-provider", to, &c_arm, &[&c_aux]).await.status, 201);
    cp.wait_for(&vpc, "customer-vnet", "ACTIVE").await;
    assert_eq!(
        provider_peerings(&emu, &provider_vnet).await.len(),
        1,
        "exactly one provider peering after a crash {step}"
    );
    let v = cp.call(Method::GET, &format!("/vpcs/{vpc}"), None).await;
    assert_eq!(v.body["peering_connections"].as_array().unwrap().len(), 1, "no connection lost or duplicated");
}

#[tokio::test]
async fn crash_after_the_service_principal() {
    crash_then_converge("after-service-principal").await;
}

#[tokio::test]
async fn crash_after_the_grant() {
    crash_then_converge("after-grant").await;
}

#[tokio::test]
async fn crash_after_the_provider_peering() {
    crash_then_converge("after-provider-peering").await;
}

#[tokio::test]
async fn crash_after_pending_peer() {
    crash_then_converge("after-pending-peer").await;
}

#[tokio::test]
async fn crash_during_deletion_still_deletes() {
    let emu = Emu::start().await;
    let rg_scope = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg");
    let (app_id, _) = customer_setup(&emu, "deleting", true, Some(&rg_scope)).await;
    let cp = ControlPlane::start(&emu).await;
    let (vpc, provider_vnet) = cp.active_vpc("10.20.0.0/24").await;
    cp.call(Method::POST, &format!("/vpcs/{vpc}/peering-connections"), Some(connection_body("customer-vnet", &app_id)))
        .await;
    cp.wait_for(&vpc, "customer-vnet", "PENDING_PEER").await;
    let dir = cp.kill9().await;
    let token = create_project(&dir, &ServeOptions::default(), "demo", "ops@provider.example").await;
    let cp = ControlPlane::spawn(
        &emu,
        dir,
        token,
        ServeOptions { crash_at: Some("after-provider-side-removed"), ..Default::default() },
    )
    .await;
    let path = format!("/vpcs/{vpc}/peering-connections/peer-accounts/{CUSTOMER_SUB}/peer-resource-groups/customer-rg/peer-vpcs/customer-vnet");
    assert_eq!(cp.call(Method::DELETE, &path, None).await.status, 200);
    let (dir, token) = cp.wait_for_crash().await;
    assert!(provider_peerings(&emu, &provider_vnet).await.is_empty());
    let cp = ControlPlane::spawn(&emu, dir, token, ServeOptions::default()).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while cp.call(Method::GET, &format!("/vpcs/{vpc}"), None).await.body["peering_connections"] != serde_json::json!([])
    {
        assert!(std::time::Instant::now() < deadline, "deletion never finished after the restart");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Counts `isthmus_azure_calls_total{operation=…,outcome="ok"}` in a metrics page.
fn ok_calls(metrics: &str, operation: &str) -> u64 {
    metrics
        .lines()
        .filter(|l| {
            l.starts_with("isthmus_azure_calls_total{")
                && l.contains(&format!("operation=\"{operation}\""))
                && l.contains("outcome=\"ok\"")
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

#[tokio::test]
async fn two_replicas_on_postgresql_write_each_connection_once() {
    let admin = "postgres://postgres@127.0.0.1:5432/postgres";
    let name = format!("isthmus_replicas_{}", uuid::Uuid::new_v4().simple());
    let out = std::process::Command::new("psql")
        .args([admin, "-qc", &format!("CREATE DATABASE {name}")])
        .output()
        .expect("psql");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let url = format!("postgres://postgres@127.0.0.1:5432/{name}");

    let emu = Emu::start().await;
    // 20 customer VNets that do not overlap each other or the project VPC
    let mut vnets = Vec::new();
    for i in 0..20 {
        vnets.push(serde_json::json!({"name": format!("many-{i}"), "addressPrefixes": [format!("172.16.{i}.0/24")]}));
    }
    let world = serde_json::json!({"tenants": []});
    assert_eq!(emu.admin(Method::POST, "world", Some(world)).await.status, 200);
    let admin_arm = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    for v in &vnets {
        let body = serde_json::json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": v["addressPrefixes"]}}});
        let r = emu
            .arm(
                Method::PUT,
                &format!("{}?{NET_API}", vnet_id(CUSTOMER_SUB, "customer-rg", v["name"].as_str().unwrap())),
                &admin_arm,
                &[],
                Some(body),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let rg_scope = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg");
    let (app_id, _) = customer_setup(&emu, "replicas", true, Some(&rg_scope)).await;

    let a = ControlPlane::start_with(
        &emu,
        ServeOptions { database_url: Some(url.clone()), replica: Some("a".into()), ..Default::default() },
    )
    .await;
    let b_dir = tempfile::tempdir().unwrap();
    let b = ControlPlane::spawn(
        &emu,
        b_dir,
        a.token.clone(),
        ServeOptions { database_url: Some(url.clone()), replica: Some("b".into()), ..Default::default() },
    )
    .await;
    let (vpc, provider_vnet) = a.active_vpc("10.20.0.0/24").await;
    for v in &vnets {
        let r = b
            .call(
                Method::POST,
                &format!("/vpcs/{vpc}/peering-connections"),
                Some(connection_body(v["name"].as_str().unwrap(), &app_id)),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    for v in &vnets {
        a.wait_for(&vpc, v["name"].as_str().unwrap(), "PENDING_PEER").await;
    }
    let (ma, mb) = (a.metrics().await, b.metrics().await);
    assert_eq!(
        ok_calls(&ma, "put_peering") + ok_calls(&mb, "put_peering"),
        20,
        "one provider peering PUT per connection"
    );
    let grants = ok_calls(&ma, "create_role_assignment") + ok_calls(&mb, "create_role_assignment");
    assert_eq!(grants, 1, "the app's grant on the VNet is made once among the replicas, not per connection");
    assert_eq!(provider_peerings(&emu, &provider_vnet).await.len(), 20);
    for (name, cp) in [("a", &a), ("b", &b)] {
        // Each replica counts the live ones at its heartbeat (every ≤ 2 s).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let m = loop {
            let m = cp.metrics().await;
            let share = m.lines().find(|l| l.starts_with("isthmus_arm_budget_share ")).expect("share in /metrics");
            if share == "isthmus_arm_budget_share 0.5" || std::time::Instant::now() > deadline {
                assert_eq!(share, "isthmus_arm_budget_share 0.5", "replica {name} takes half the ARM budget");
                break m;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        };
        assert!(m.contains("isthmus_arm_throttled 0"), "replica {name} was never answered 429");
    }
}

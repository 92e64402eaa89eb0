//! The control plane against the emulator: the happy path to ACTIVE with correct `state_info`, the
//! customer removing their side, DELETE removing the provider side, and every failure state with a
//! message that names the step to fix.

mod common;

use common::cp::*;
use common::*;
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn connection_goes_approved_pending_peer_active_and_is_deleted() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start(&emu).await;
    let (vpc, provider_vnet) = cp.active_vpc("10.20.0.0/24").await;
    let rg_scope = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg");
    let (app_id, secret) = customer_setup(&emu, "happy", true, Some(&rg_scope)).await;

    let created = cp
        .call(
            Method::POST,
            &format!("/vpcs/{vpc}/peering-connections"),
            Some(connection_body("customer-vnet", &app_id)),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["state"], "APPROVED");
    assert_eq!(created.body["state_info"], serde_json::Value::Null);
    assert_eq!(created.body["peer_region"], serde_json::Value::Null);
    assert_eq!(created.body["vpc_peering_connection_type"], "azure-vnet-peering");

    let pending = cp.wait_for(&vpc, "customer-vnet", "PENDING_PEER").await;
    let info = &pending["state_info"];
    assert_eq!(info["to-tenant-id"], PROVIDER_TENANT);
    assert_eq!(info["to-network-id"], provider_vnet);
    assert!(info["message"].as_str().unwrap().contains("--allow-vnet-access"), "{info}");
    assert!(info["type"].is_string());

    // The customer logs their app in to both tenants and creates their side, as the guide says.
    let c_arm = emu.sp_token(CUSTOMER_TENANT, &app_id, &secret, ARM).await;
    let c_aux = emu.sp_token(PROVIDER_TENANT, &app_id, &secret, ARM).await;
    let to_network = info["to-network-id"].as_str().unwrap();
    let put = emu.put_peering(&customer_vnet(), "to-provider", to_network, &c_arm, &[&c_aux]).await;
    assert_eq!(put.status, 201, "{}", put.body);
    let active = cp.wait_for(&vpc, "customer-vnet", "ACTIVE").await;
    assert_eq!(active["state_info"]["message"], "Peering connection active");
    // Kept while the provider side exists: Terraform reads them on every plan.
    assert_eq!(active["state_info"]["to-tenant-id"], PROVIDER_TENANT);
    assert_eq!(active["state_info"]["to-network-id"], provider_vnet);

    // Customer removes their side: back to PENDING_PEER, saying so.
    let del = emu
        .arm(
            Method::DELETE,
            &format!("{}/virtualNetworkPeerings/to-provider?{NET_API}", customer_vnet()),
            &c_arm,
            &[],
            None,
        )
        .await;
    assert_eq!(del.status, 202, "a network delete is long-running, as in Azure");
    let back = cp.wait_for(&vpc, "customer-vnet", "PENDING_PEER").await;
    assert!(back["state_info"]["message"].as_str().unwrap().contains("was removed"), "{}", back["state_info"]);
    // ...and re-creating it brings ACTIVE back
    assert_eq!(emu.put_peering(&customer_vnet(), "to-provider", to_network, &c_arm, &[&c_aux]).await.status, 201);
    cp.wait_for(&vpc, "customer-vnet", "ACTIVE").await;

    // DELETE: DELETING at once, then DELETED, with the provider peering and grant gone from Azure.
    let path = format!("/vpcs/{vpc}/peering-connections/peer-accounts/{CUSTOMER_SUB}/peer-resource-groups/customer-rg/peer-vpcs/customer-vnet");
    let deleting = cp.call(Method::DELETE, &path, None).await;
    assert_eq!(
        (deleting.status.as_u16(), deleting.body["state"].as_str()),
        (200, Some("DELETING")),
        "{}",
        deleting.body
    );
    let id = deleting.body["peering_connection_id"].as_str().unwrap().to_string();
    let p_arm = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let v = cp.call(Method::GET, &format!("/vpcs/{vpc}"), None).await;
        if v.body["peering_connections"] == json!([]) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "never DELETED: {}", v.body);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let peerings =
        emu.arm(Method::GET, &format!("{provider_vnet}/virtualNetworkPeerings?{NET_API}"), &p_arm, &[], None).await;
    assert_eq!(peerings.body["value"], json!([]), "provider peering removed");
    let grants = emu
        .arm(
            Method::GET,
            &format!("{provider_vnet}/providers/Microsoft.Authorization/roleAssignments?{AUTH_API}&$filter=atScope()"),
            &p_arm,
            &[],
            None,
        )
        .await;
    assert!(
        grants.body["value"].as_array().unwrap().iter().all(|a| a["properties"]["scope"] != provider_vnet.as_str()),
        "peer-role grant on the provider VNet removed: {}",
        grants.body
    );
    let timeline = cp.call(Method::GET, &format!("/vpcs/{vpc}/peering-connections/{id}/events"), None).await;
    let states: Vec<_> = timeline.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["to_state"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(states, ["APPROVED", "PENDING_PEER", "ACTIVE", "PENDING_PEER", "ACTIVE", "DELETING", "DELETED"]);
}

#[tokio::test]
async fn failures_land_in_the_right_state_with_the_step_to_fix() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start(&emu).await;
    let (vpc, _) = cp.active_vpc("10.30.0.0/24").await;
    let rg_scope = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg");
    let (app_id, _) = customer_setup(&emu, "fails", true, Some(&rg_scope)).await;
    let create = |vnet: &'static str, app: String| {
        let cp = &cp;
        let vpc = vpc.clone();
        async move {
            cp.call(Method::POST, &format!("/vpcs/{vpc}/peering-connections"), Some(connection_body(vnet, &app))).await
        }
    };

    assert_eq!(create("no-such-vnet", app_id.clone()).await.status, 201);
    let missing = cp.wait_for(&vpc, "no-such-vnet", "INVALID_SPECIFICATION").await;
    assert!(missing["state_info"]["message"].as_str().unwrap().contains("was not found"), "{}", missing["state_info"]);
    assert!(missing["state_info"]["message"].as_str().unwrap().contains("step 5"));
    let id = missing["peering_connection_id"].as_str().unwrap();
    let timeline = cp.call(Method::GET, &format!("/vpcs/{vpc}/peering-connections/{id}/events"), None).await;
    let last = timeline.body["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["to_state"], "INVALID_SPECIFICATION");
    assert_eq!(
        last["reason"], "InvalidResourceReference while creating the provider peering",
        "the cause, then the step"
    );

    assert_eq!(create("overlap-vnet", app_id.clone()).await.status, 201);
    let (vpc2, _) = cp.active_vpc_in("azure-northeurope", "10.1.0.0/24").await;
    let r = cp
        .call(
            Method::POST,
            &format!("/vpcs/{vpc2}/peering-connections"),
            Some(connection_body("customer-vnet", &app_id)),
        )
        .await;
    assert_eq!(r.status, 201);
    let overlap = cp.wait_for(&vpc2, "customer-vnet", "INVALID_SPECIFICATION").await;
    assert!(overlap["state_info"]["message"].as_str().unwrap().contains("overlaps"), "{}", overlap["state_info"]);
}

#[tokio::test]
async fn missing_customer_grants_are_rejected_by_peer() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start(&emu).await;
    let (vpc, _) = cp.active_vpc("10.40.0.0/24").await;

    // Step 7 skipped: the provider app has no SP in the customer tenant.
    let (no_sp_app, _) = customer_setup(&emu, "no-step-7", false, None).await;
    assert_eq!(
        cp.call(
            Method::POST,
            &format!("/vpcs/{vpc}/peering-connections"),
            Some(connection_body("customer-vnet", &no_sp_app))
        )
        .await
        .status,
        201
    );
    let rejected = cp.wait_for(&vpc, "customer-vnet", "REJECTED_BY_PEER").await;
    let msg = rejected["state_info"]["message"].as_str().unwrap();
    assert!(msg.contains("step 7") && msg.contains(&format!("az ad sp create --id {PROVIDER_APP}")), "{msg}");

    // Step 9 skipped: the SP exists but has no peer/action on the VNet.
    let (no_role_app, _) = customer_setup(&emu, "no-step-9", true, None).await;
    assert_eq!(
        cp.call(
            Method::POST,
            &format!("/vpcs/{vpc}/peering-connections"),
            Some(connection_body("customer-vnet-2", &no_role_app))
        )
        .await
        .status,
        201
    );
    let rejected = cp.wait_for(&vpc, "customer-vnet-2", "REJECTED_BY_PEER").await;
    let msg = rejected["state_info"]["message"].as_str().unwrap();
    assert!(msg.contains("peer/action") && msg.contains("step"), "{msg}");
}

#[tokio::test]
async fn logs_never_contain_secrets_or_tokens() {
    let emu = Emu::start().await;
    let log = tempfile::NamedTempFile::new().unwrap();
    let cp =
        ControlPlane::start_with(&emu, ServeOptions { log_file: Some(log.path().to_path_buf()), ..Default::default() })
            .await;
    let (vpc, _) = cp.active_vpc("10.20.0.0/24").await;
    let rg_scope = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg");
    let (app_id, secret) = customer_setup(&emu, "logs", true, Some(&rg_scope)).await;
    cp.call(Method::POST, &format!("/vpcs/{vpc}/peering-connections"), Some(connection_body("customer-vnet", &app_id)))
        .await;
    let pending = cp.wait_for(&vpc, "customer-vnet", "PENDING_PEER").await;
    let c_arm = emu.sp_token(CUSTOMER_TENANT, &app_id, &secret, ARM).await;
    let c_aux = emu.sp_token(PROVIDER_TENANT, &app_id, &secret, ARM).await;
    emu.put_peering(&customer_vnet(), "p", pending["state_info"]["to-network-id"].as_str().unwrap(), &c_arm, &[&c_aux])
        .await;
    cp.wait_for(&vpc, "customer-vnet", "ACTIVE").await;
    let text = std::fs::read_to_string(log.path()).unwrap();
    assert!(text.contains("connection moved"), "debug logging was on: {}", &text[..text.len().min(500)]);
    assert!(!text.contains(PROVIDER_SECRET), "the provider secret leaked into the logs");
    assert!(!text.contains(&cp.token), "the API token leaked into the logs");
    assert!(!text.contains("eyJ"), "a JWT leaked into the logs");
}

#[tokio::test]
async fn a_deleted_customer_vnet_ends_deleted_by_peer() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start(&emu).await;
    let (vpc, provider_vnet) = cp.active_vpc("10.40.0.0/24").await;
    // The guide grants the peer role on the VNet itself, so deleting the VNet takes the grant along.
    let (app_id, secret) = customer_setup(&emu, "vanishing", true, Some(&customer_vnet())).await;
    let created = cp
        .call(
            Method::POST,
            &format!("/vpcs/{vpc}/peering-connections"),
            Some(connection_body("customer-vnet", &app_id)),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let pending = cp.wait_for(&vpc, "customer-vnet", "PENDING_PEER").await;
    let to_network = pending["state_info"]["to-network-id"].as_str().unwrap().to_string();
    let c_arm = emu.sp_token(CUSTOMER_TENANT, &app_id, &secret, ARM).await;
    let c_aux = emu.sp_token(PROVIDER_TENANT, &app_id, &secret, ARM).await;
    assert_eq!(emu.put_peering(&customer_vnet(), "to-provider", &to_network, &c_arm, &[&c_aux]).await.status, 201);
    cp.wait_for(&vpc, "customer-vnet", "ACTIVE").await;

    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let del = emu.arm(Method::DELETE, &format!("{}?{NET_API}", customer_vnet()), &admin, &[], None).await;
    assert_eq!(del.status, 202, "{}", del.body);
    let gone = cp.wait_for(&vpc, "customer-vnet", "DELETED_BY_PEER").await;
    let message = gone["state_info"]["message"].as_str().unwrap();
    assert!(
        message.contains("no longer lets the provider peer") && message.contains("Delete this connection"),
        "{message}"
    );
    let p_arm = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    let peerings =
        emu.arm(Method::GET, &format!("{provider_vnet}/virtualNetworkPeerings?{NET_API}"), &p_arm, &[], None).await;
    assert_eq!(peerings.body["value"], json!([]), "the provider side was removed");
}

/// `POST …/peering-connections/refresh` is a nudge: with a pending check only every minute, the
/// customer's new side is not seen for a while, and right after the refresh it is (ACTIVE well
/// within a second), because the connection is due at once and the VNet is read afresh.
#[tokio::test]
async fn refresh_observes_the_vnet_at_once() {
    let emu = Emu::start().await;
    let cp =
        ControlPlane::start_with(&emu, ServeOptions { pending_interval_ms: Some(60_000), ..Default::default() }).await;
    let (vpc, _) = cp.active_vpc("10.21.0.0/24").await;
    let rg_scope = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg");
    let (app_id, secret) = customer_setup(&emu, "nudge", true, Some(&rg_scope)).await;
    let path = format!("/vpcs/{vpc}/peering-connections");
    assert_eq!(cp.call(Method::POST, &path, Some(connection_body("customer-vnet", &app_id))).await.status, 201);
    let state = || async {
        let v = cp.call(Method::GET, &format!("/vpcs/{vpc}"), None).await;
        v.body["peering_connections"][0].clone()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let pending = loop {
        let c = state().await;
        if c["state"] == "PENDING_PEER" {
            break c;
        }
        assert!(std::time::Instant::now() < deadline, "never PENDING_PEER: {c}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let c_arm = emu.sp_token(CUSTOMER_TENANT, &app_id, &secret, ARM).await;
    let c_aux = emu.sp_token(PROVIDER_TENANT, &app_id, &secret, ARM).await;
    let to_network = pending["state_info"]["to-network-id"].as_str().unwrap();
    let put = emu.put_peering(&customer_vnet(), "to-provider", to_network, &c_arm, &[&c_aux]).await;
    assert_eq!(put.status, 201, "{}", put.body);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(state().await["state"], "PENDING_PEER", "without a nudge the next check is a minute away");

    let nudged = std::time::Instant::now();
    let r = cp.call(Method::POST, &format!("{path}/refresh"), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    loop {
        let c = state().await;
        if c["state"] == "ACTIVE" {
            break;
        }
        assert!(nudged.elapsed() < Duration::from_secs(1), "not ACTIVE within 1 s of the refresh: {c}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

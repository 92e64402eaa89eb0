//! Durability: every acknowledged write survives `kill -9` and a restart on the same data dir.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn acknowledged_writes_survive_kill_9() {
    let tmp = tempfile::tempdir().unwrap();
    let world = fixture("two-tenants.json");
    let emu = Emu::start_in(tmp.path(), Some(&world)).await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let graph = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;

    // A spread of writes: Graph objects, a secret, ARM resources, RBAC, a peering, a knob.
    let app = emu
        .graph(
            Method::POST,
            "/applications",
            &graph,
            Some(json!({"displayName": "durable", "signInAudience": "AzureADMultipleOrgs"})),
        )
        .await;
    let app_id = app.body["appId"].as_str().unwrap().to_string();
    let sp = emu.graph(Method::POST, "/servicePrincipals", &graph, Some(json!({"appId": app_id}))).await;
    let sp_id = sp.body["id"].as_str().unwrap().to_string();
    let pw = emu
        .graph(
            Method::POST,
            &format!("/applications/{}/addPassword", app.body["id"].as_str().unwrap()),
            &graph,
            Some(json!({})),
        )
        .await;
    let secret = pw.body["secretText"].as_str().unwrap().to_string();
    let new_vnet = vnet_id(CUSTOMER_SUB, "customer-rg", "made-before-crash");
    let put = emu
        .arm(Method::PUT, &format!("{new_vnet}?{NET_API}"), &admin, &[], Some(json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.9.0.0/16"]}, "subnets": [{"name": "a", "properties": {"addressPrefix": "10.9.1.0/24"}}]}})))
        .await;
    assert_eq!(put.status, 201, "{}", put.body);
    let role = emu
        .define_role(
            &admin,
            "durable-role",
            &["Microsoft.Network/virtualNetworks/peer/action"],
            &[&format!("/subscriptions/{CUSTOMER_SUB}")],
        )
        .await;
    let ra = emu.assign(&admin, &customer_vnet(), role.body["id"].as_str().unwrap(), &sp_id).await;
    assert_eq!(ra.status, 201);
    assert_eq!(emu.put_peering(&customer_vnet(), "to-new", &new_vnet, &admin, &[]).await.status, 201);
    assert_eq!(emu.admin(Method::PATCH, "knobs", Some(json!({"propagationDelaySeconds": 7}))).await.status, 200);

    let ca_before = std::fs::read(tmp.path().join("ca.pem")).unwrap();
    let port = emu.port();
    emu.kill9().await;

    // Back on the same origin, as a restarted service is: its tokens' audiences are still served.
    let emu = Emu::start_at(tmp.path(), Some(&world), &format!("127.0.0.1:{port}")).await;
    assert_eq!(std::fs::read(tmp.path().join("ca.pem")).unwrap(), ca_before, "clients keep trusting the same CA");
    // tokens minted before the crash still verify: the signing key persisted
    let vnet = emu.arm(Method::GET, &format!("{new_vnet}?{NET_API}"), &admin, &[], None).await;
    assert_eq!(vnet.status, 200, "{}", vnet.body);
    assert_eq!(vnet.body["properties"]["subnets"][0]["properties"]["addressPrefix"], "10.9.1.0/24");
    assert_eq!(emu.peering_state(&customer_vnet(), "to-new", &admin).await, "Initiated");
    let apps = emu.graph(Method::GET, "/applications?$filter=displayName%20eq%20%27durable%27", &graph, None).await;
    assert_eq!(apps.body["value"].as_array().unwrap().len(), 1, "the world was not loaded twice and the app is there");
    let c_arm = emu.sp_token(CUSTOMER_TENANT, &app_id, &secret, ARM).await;
    let assignments = emu
        .arm(
            Method::GET,
            &format!(
                "{}/providers/Microsoft.Authorization/roleAssignments?{AUTH_API}&$filter=atScope()",
                customer_vnet()
            ),
            &admin,
            &[],
            None,
        )
        .await;
    assert!(assignments.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["properties"]["principalId"] == sp_id.as_str()));
    assert!(!c_arm.is_empty());
    assert_eq!(emu.admin(Method::GET, "knobs", None).await.body["propagationDelaySeconds"], 7);
    let users = emu.admin(Method::GET, "state", None).await;
    assert_eq!(users.body["users"].as_object().unwrap().len(), 3, "world users exactly once");
}

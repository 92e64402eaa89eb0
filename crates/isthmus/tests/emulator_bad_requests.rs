//! Malformed input gets Azure-shaped 4xx answers, never a 500, and changes nothing.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

async fn raw(emu: &Emu, method: Method, path: &str, token: &str, body: &'static str) -> Reply {
    let resp = emu
        .http
        .request(method, format!("{}{path}", emu.url))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    Reply { status, headers, body: serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap_or(Value::Null) }
}

#[tokio::test]
async fn arm_rejects_bad_input_in_its_own_shape() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let vnet = format!("{}?{NET_API}", vnet_id(CUSTOMER_SUB, "customer-rg", "new-vnet"));

    let cases: Vec<(Reply, u16, &str)> = vec![
        (raw(&emu, Method::PUT, &vnet, &admin, "{not json").await, 400, "InvalidRequestContent"),
        (raw(&emu, Method::PUT, &vnet, &admin, "").await, 400, "InvalidRequestContent"),
        (raw(&emu, Method::PUT, &vnet, &admin, r#"{"location":"westeurope","properties":{"addressSpace":{"addressPrefixes":["10.0.0.1/16"]}}}"#).await, 400, "InvalidAddressPrefixFormat"),
        (raw(&emu, Method::PUT, &vnet, &admin, r#"{"location":"westeurope","properties":{"addressSpace":{"addressPrefixes":["10.50.0.0/16"]},"subnets":[{"name":"s","properties":{"addressPrefix":"10.60.0.0/24"}}]}}"#).await, 400, "NetcfgSubnetRangeOutsideVnet"),
        (raw(&emu, Method::PUT, &vnet, &admin, r#"{"properties":{}}"#).await, 400, "InvalidParameter"),
        (raw(&emu, Method::GET, &format!("{}?api-version=2099-01-01", customer_vnet()), &admin, "").await, 400, "NoRegisteredProviderFound"),
        (raw(&emu, Method::GET, &customer_vnet(), &admin, "").await, 400, "MissingApiVersionParameter"),
        (raw(&emu, Method::GET, "/subscriptions/not-a-guid/resourceGroups?api-version=2022-09-01", &admin, "").await, 400, "InvalidSubscriptionId"),
        (raw(&emu, Method::GET, "/subscriptions/99999999-0000-0000-0000-000000000009/resourceGroups?api-version=2022-09-01", &admin, "").await, 404, "SubscriptionNotFound"),
        (raw(&emu, Method::GET, &format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg/providers/Microsoft.Network/frobs/x?{NET_API}"), &admin, "").await, 404, "NoRouteFound"),
        (raw(&emu, Method::GET, &format!("{}?{NET_API}", vnet_id(CUSTOMER_SUB, "customer-rg", "nope")), &admin, "").await, 404, "ResourceNotFound"),
        (raw(&emu, Method::GET, &format!("{}?{NET_API}", vnet_id(CUSTOMER_SUB, "no-rg", "nope")), &admin, "").await, 404, "ResourceGroupNotFound"),
        (raw(&emu, Method::PUT, &format!("{}/virtualNetworkPeerings/p?{NET_API}", customer_vnet()), &admin, r#"{"properties":{"remoteVirtualNetwork":{"id":"/subscriptions/x/bad"}}}"#).await, 400, "LinkedInvalidPropertyId"),
        (raw(&emu, Method::PUT, &format!("{}/virtualNetworkPeerings/p?{NET_API}", customer_vnet()), &admin, r#"{"properties":{}}"#).await, 400, "InvalidParameter"),
        (raw(&emu, Method::PUT, &format!("{}/providers/Microsoft.Authorization/roleAssignments/not-a-guid?{AUTH_API}", customer_vnet()), &admin, r#"{"properties":{}}"#).await, 400, "InvalidRoleAssignmentId"),
        (raw(&emu, Method::PUT, &format!("{}/providers/Microsoft.Authorization/roleAssignments/{}?{AUTH_API}", customer_vnet(), uuid::Uuid::new_v4()), &admin, r#"{"properties":{"principalId":"x"}}"#).await, 400, "InvalidParameter"),
        (raw(&emu, Method::PATCH, &format!("{}/subnets/default?{NET_API}", customer_vnet()), &admin, "{}").await, 405, "MethodNotAllowed"),
    ];
    for (i, (r, status, code)) in cases.iter().enumerate() {
        assert_eq!((r.status.as_u16(), r.code()), (*status, *code), "case {i}: {}", r.body);
        assert!(!r.message().is_empty(), "case {i} says what was wrong");
    }
    // nothing was stored by any of them
    let list = emu
        .arm(
            Method::GET,
            &format!(
                "/subscriptions/{CUSTOMER_SUB}/providers/Microsoft.Network/virtualNetworks?api-version=2025-07-01"
            ),
            &admin,
            &[],
            None,
        )
        .await;
    let names: Vec<_> =
        list.body["value"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(list.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v["properties"]["virtualNetworkPeerings"] == json!([])));
}

#[tokio::test]
async fn oversize_bodies_are_413_in_each_apis_shape() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let big = "x".repeat(5 * 1024 * 1024);
    let arm = emu
        .http
        .put(format!("{}{}?{NET_API}", emu.url, vnet_id(CUSTOMER_SUB, "customer-rg", "big")))
        .header("authorization", format!("Bearer {admin}"))
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(arm.status(), 413);
    let body: Value = arm.json().await.unwrap();
    assert_eq!(body["error"]["code"], "RequestEntityTooLarge");
    let graph = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;
    let g = emu
        .http
        .post(format!("{}/graph/v1.0/applications", emu.url))
        .header("authorization", format!("Bearer {graph}"))
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(g.status(), 413);
    let body: Value = g.json().await.unwrap();
    assert_eq!(body["error"]["code"], "RequestEntityTooLarge");
    assert!(body["error"]["innerError"].is_object());
}

#[tokio::test]
async fn graph_and_login_reject_bad_input_in_their_shapes() {
    let emu = Emu::start().await;
    let graph = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;
    let bad_json = raw(&emu, Method::POST, "/graph/v1.0/applications", &graph, "{").await;
    assert_eq!((bad_json.status.as_u16(), bad_json.code()), (400, "BadRequest"));
    assert!(bad_json.body["error"]["innerError"]["date"].is_string());
    let bad_aud = raw(
        &emu,
        Method::POST,
        "/graph/v1.0/applications",
        &graph,
        r#"{"displayName":"x","signInAudience":"Everyone"}"#,
    )
    .await;
    assert_eq!((bad_aud.status.as_u16(), bad_aud.code()), (400, "Request_BadRequest"));
    let bad_filter = emu.graph(Method::GET, "/applications?$filter=displayName%20ne%20%27x%27", &graph, None).await;
    assert_eq!((bad_filter.status.as_u16(), bad_filter.code()), (400, "Request_UnsupportedQuery"));
    let no_app = emu
        .graph(
            Method::POST,
            "/servicePrincipals",
            &graph,
            Some(json!({"appId": "12345678-0000-0000-0000-000000000000"})),
        )
        .await;
    assert_eq!((no_app.status.as_u16(), no_app.code()), (400, "NoBackingApplicationObject"));
    let missing = emu.graph(Method::GET, "/applications/12345678-0000-0000-0000-000000000000", &graph, None).await;
    assert_eq!((missing.status.as_u16(), missing.code()), (404, "Request_ResourceNotFound"));
    let apps = emu.graph(Method::GET, "/applications", &graph, None).await;
    assert_eq!(apps.body["value"], json!([]), "nothing was created");

    let no_grant = emu.form("/organizations/oauth2/v2.0/token", &[("client_id", "x")]).await;
    assert_eq!((no_grant.status.as_u16(), no_grant.body["error"].as_str().unwrap()), (400, "invalid_request"));
    assert!(no_grant.body["error_description"].as_str().unwrap().starts_with("AADSTS900144"));
    let odd_grant = emu.form("/organizations/oauth2/v2.0/token", &[("grant_type", "magic")]).await;
    assert_eq!(odd_grant.body["error"], "unsupported_grant_type");
    let bad_scope = emu
        .form(
            &format!("/{PROVIDER_TENANT}/oauth2/v2.0/token"),
            &[
                ("grant_type", "client_credentials"),
                ("client_id", PROVIDER_APP),
                ("client_secret", PROVIDER_SECRET),
                ("scope", "https://vault.azure.net/.default"),
            ],
        )
        .await;
    assert_eq!(bad_scope.body["error_codes"], json!([500011]));
    let bad_password = emu
        .form(
            "/organizations/oauth2/v2.0/token",
            &[
                ("grant_type", "password"),
                ("client_id", "04b07795-8ddb-461a-bbee-02f9e1bf7b46"),
                ("username", CUSTOMER_ADMIN.0),
                ("password", "wrong"),
                ("scope", "https://management.core.windows.net//.default"),
            ],
        )
        .await;
    assert_eq!(bad_password.body["error_codes"], json!([50126]));
    // the admin API wants its key
    let no_key = emu.send(Method::GET, "/_emulator/state", &[], None).await;
    assert_eq!(no_key.status, 401);
    let bad_knob = emu
        .admin(Method::PATCH, "knobs", Some(json!({"throttling": {"reads": {"capacity": 0, "refillPerSecond": 1}}})))
        .await;
    assert_eq!(bad_knob.status, 400);
    let bad_world = emu
        .admin(
            Method::POST,
            "world",
            Some(json!({"tenants": [{"displayName": "x", "defaultDomain": "x", "bogus": 1}]})),
        )
        .await;
    assert_eq!(bad_world.status, 400);
}

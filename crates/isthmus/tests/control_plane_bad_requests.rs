//! Bad input to the control-plane API: 4xx in Aiven's `{"message","errors"}` shape, nothing stored.
//! Also project isolation and the API's routing niceties (percent-decoded names, `//v1`, unknown
//! query strings).

mod common;

use common::cp::*;
use common::*;
use reqwest::Method;
use serde_json::{json, Value};

fn assert_aiven_error(r: &Reply, status: u16, contains: &str) {
    assert_eq!(r.status.as_u16(), status, "{}", r.body);
    let message = r.body["message"].as_str().unwrap_or_else(|| panic!("no message: {}", r.body));
    assert!(message.contains(contains), "'{message}' should mention '{contains}'");
    assert_eq!(r.body["errors"][0]["message"], message);
    assert_eq!(r.body["errors"][0]["status"], status);
}

async fn raw(cp: &ControlPlane, method: Method, path: &str, body: &str) -> Reply {
    let resp = cp
        .http
        .request(method, format!("{}/v1/project/{}{path}", cp.url, cp.project))
        .header("authorization", format!("aivenv1 {}", cp.token))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    Reply { status, headers, body: serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap_or(Value::Null) }
}

#[tokio::test]
async fn bad_vpc_and_connection_input_is_refused_and_nothing_is_stored() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start(&emu).await;
    for (body, contains) in [
        ("{", "Invalid JSON"),
        ("", "JSON object body"),
        (r#"{"cloud_name":"azure-westeurope","network_cidr":"10.1.0.0/24","colour":"blue"}"#, "unknown field"),
        (r#"{"cloud_name":"azure-westeurope"}"#, "missing field"),
        (r#"{"cloud_name":"aws-eu-west-1","network_cidr":"10.1.0.0/24"}"#, "Cloud 'aws-eu-west-1' is not available"),
        (r#"{"cloud_name":"azure-mars","network_cidr":"10.1.0.0/24"}"#, "use one of: azure-westeurope, "),
        (r#"{"cloud_name":"azure-westeurope","network_cidr":"10.1.0.300/24"}"#, "not a CIDR"),
        (r#"{"cloud_name":"azure-westeurope","network_cidr":"10.1.0.1/24"}"#, "did you mean '10.1.0.0/24'"),
        (r#"{"cloud_name":"azure-westeurope","network_cidr":"8.8.8.0/24"}"#, "private"),
    ] {
        assert_aiven_error(&raw(&cp, Method::POST, "/vpcs", body).await, 400, contains);
    }
    let big =
        format!(r#"{{"cloud_name":"azure-westeurope","network_cidr":"10.1.0.0/24","x":"{}"}}"#, "a".repeat(100_000));
    assert_eq!(raw(&cp, Method::POST, "/vpcs", &big).await.status, 413);
    assert_eq!(cp.call(Method::GET, "/vpcs", None).await.body, json!({"vpcs": []}), "nothing stored");

    let (vpc, _) = cp.active_vpc("10.20.0.0/24").await;
    let conns = format!("/vpcs/{vpc}/peering-connections");
    let good = connection_body("customer-vnet", "eeeeeeee-0000-0000-0000-0000000000b2");
    let with = |k: &str, v: Value| {
        let mut b = good.clone();
        b[k] = v;
        b.to_string()
    };
    let without = |k: &str| {
        let mut b = good.clone();
        b.as_object_mut().unwrap().remove(k);
        b.to_string()
    };
    for (body, contains) in [
        (with("peer_cloud_account", json!("my-subscription")), "not an Azure subscription id"),
        (with("peer_azure_app_id", json!("app")), "application (client) id"),
        (with("peer_azure_tenant_id", json!("tenant")), "tenant id"),
        (with("peer_vpc", json!("bad vnet!")), "virtual network name"),
        (with("user_peer_network_cidrs", json!(["10.0.0.0/33"])), "not a CIDR"),
        (with("peer_region", json!("westeurope")), "peer_region must be omitted"),
        (with("unexpected", json!(1)), "unknown field"),
        (without("peer_resource_group"), "peer_resource_group is required"),
        (without("peer_vpc"), "missing field"),
        ("[]".to_string(), "Invalid JSON"),
    ] {
        let r = raw(&cp, Method::POST, &conns, &body).await;
        assert_aiven_error(&r, 400, contains);
    }
    assert_aiven_error(
        &raw(&cp, Method::POST, "/vpcs/not-a-uuid/peering-connections", &good.to_string()).await,
        400,
        "not a project VPC id",
    );
    assert_aiven_error(
        &raw(&cp, Method::POST, "/vpcs/00000000-0000-0000-0000-000000000000/peering-connections", &good.to_string())
            .await,
        404,
        "Project VPC does not exist",
    );
    let v = cp.call(Method::GET, &format!("/vpcs/{vpc}"), None).await;
    assert_eq!(v.body["peering_connections"], json!([]), "nothing stored");

    // duplicates are refused whatever their case; unknown deletes are 404
    assert_eq!(cp.call(Method::POST, &conns, Some(good.clone())).await.status, 201);
    let shouted = with("peer_vpc", json!("CUSTOMER-VNET"));
    assert_aiven_error(&raw(&cp, Method::POST, &conns, &shouted).await, 409, "already exists");
    let unknown = format!("{conns}/peer-accounts/{CUSTOMER_SUB}/peer-resource-groups/customer-rg/peer-vpcs/nope");
    assert_aiven_error(&cp.call(Method::DELETE, &unknown, None).await, 404, "Peering connection does not exist");
    // a VPC with a live connection cannot be deleted
    assert_aiven_error(&cp.call(Method::DELETE, &format!("/vpcs/{vpc}"), None).await, 409, "delete them first");
}

#[tokio::test]
async fn projects_are_isolated_and_paths_are_decoded() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start(&emu).await;
    let (vpc, _) = cp.active_vpc("10.20.0.0/24").await;
    let other = create_project(&cp.dir, &ServeOptions::default(), "other", "someone@else.example").await;
    let r = cp
        .http
        .get(format!("{}/v1/project/demo/vpcs", cp.url))
        .header("authorization", format!("aivenv1 {other}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["status"], 403);
    let r = cp
        .http
        .get(format!("{}/v1/project/demo/vpcs", cp.url))
        .header("authorization", "aivenv1 forged")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = cp.http.get(format!("{}/v1/project/demo/vpcs", cp.url)).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let projects: Value = cp
        .http
        .get(format!("{}//v1/project?limit=999", cp.url))
        .header("authorization", format!("aivenv1 {}", cp.token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&Value> = projects["projects"].as_array().unwrap().iter().map(|p| &p["project_name"]).collect();
    assert_eq!(names, [&json!("demo")], "{projects}");

    // Mixed case is kept as typed; delete finds it whatever the case, by percent-decoded segments.
    let mut body = connection_body("Customer-VNet", "eeeeeeee-0000-0000-0000-0000000000b2");
    body["peer_resource_group"] = json!("My.RG(1)");
    let created = cp.call(Method::POST, &format!("/vpcs/{vpc}/peering-connections"), Some(body)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["peer_vpc"], "Customer-VNet");
    let path = format!("/vpcs/{vpc}/peering-connections/peer-accounts/{CUSTOMER_SUB}/peer-resource-groups/my.rg%281%29/peer-vpcs/customer-vnet?limit=999");
    let deleted = cp.call(Method::DELETE, &path, None).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(deleted.body["state"], "DELETING");

    // A subscription id in any GUID spelling names one subscription: stored once, found by any.
    let braced = format!("{{{}}}", CUSTOMER_SUB.to_uppercase());
    let mut body = connection_body("spelled-vnet", "eeeeeeee-0000-0000-0000-0000000000b2");
    body["peer_cloud_account"] = json!(braced);
    body["peer_resource_group"] = json!("Customer-RG");
    let created = cp.call(Method::POST, &format!("/vpcs/{vpc}/peering-connections"), Some(body.clone())).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["peer_cloud_account"], CUSTOMER_SUB);
    body["peer_cloud_account"] = json!(CUSTOMER_SUB.replace('-', ""));
    body["peer_resource_group"] = json!("customer-rg");
    let again = cp.call(Method::POST, &format!("/vpcs/{vpc}/peering-connections"), Some(body)).await;
    assert_eq!(again.status, 409, "the same VNet, spelled differently: {}", again.body);
    let urn = format!("urn:uuid:{CUSTOMER_SUB}");
    let path = format!(
        "/vpcs/{vpc}/peering-connections/peer-accounts/{urn}/peer-resource-groups/customer-rg/peer-vpcs/spelled-vnet"
    );
    let deleted = cp.call(Method::DELETE, &path, None).await;
    assert_eq!((deleted.status.as_u16(), deleted.body["state"].as_str()), (200, Some("DELETING")), "{}", deleted.body);
}

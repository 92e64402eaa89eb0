//! The Aiven project API that `avn` users meet: the cloud catalogue (public, per project, and the
//! empty-project path `avn cloud list` sends), project list and details, `GET /v1/me`, one VPC per
//! cloud, and the rules for user peer network CIDRs.

mod common;

use common::cp::*;
use common::*;
use reqwest::Method;
use serde_json::{json, Value};

async fn get(cp: &ControlPlane, path: &str, token: Option<&str>) -> (u16, Value) {
    let mut req = cp.http.get(format!("{}{path}", cp.url));
    if let Some(t) = token {
        req = req.header("authorization", format!("aivenv1 {t}"));
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap_or(Value::Null))
}

fn assert_error(r: &Reply, status: u16, contains: &str) {
    assert_eq!(r.status.as_u16(), status, "{}", r.body);
    let message = r.body["message"].as_str().unwrap_or_else(|| panic!("no message: {}", r.body));
    assert!(message.contains(contains), "'{message}' should mention '{contains}'");
    assert_eq!(r.body["errors"][0]["status"], status);
}

#[tokio::test]
async fn clouds_projects_and_the_user_as_avn_reads_them() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start_with(&emu, ServeOptions { api_only: true, ..Default::default() }).await;

    let (status, clouds) = get(&cp, "/v1/clouds", None).await;
    assert_eq!(status, 200, "public, no token: {clouds}");
    let we = clouds["clouds"].as_array().unwrap().iter().find(|c| c["cloud_name"] == "azure-westeurope").unwrap();
    assert_eq!(
        *we,
        json!({"cloud_description": "Europe, Netherlands - Azure: West Europe", "cloud_name": "azure-westeurope",
               "geo_latitude": 52.37, "geo_longitude": 4.9, "geo_region": "europe", "provider": "azure",
               "provider_description": "Microsoft Azure"})
    );
    assert_eq!(get(&cp, "/v1/project//clouds", None).await, (200, clouds.clone()), "the path avn sends");
    assert_eq!(get(&cp, "//v1/project//clouds?limit=999", None).await, (200, clouds.clone()));
    assert_eq!(get(&cp, &format!("/v1/project/{}/clouds", cp.project), Some(&cp.token)).await, (200, clouds.clone()));
    assert_eq!(get(&cp, &format!("/v1/project/{}/clouds", cp.project), None).await.0, 403);
    assert_eq!(get(&cp, "/v1/project/other/clouds", Some(&cp.token)).await.0, 403);

    let (status, projects) = get(&cp, "/v1/project", Some(&cp.token)).await;
    assert_eq!(status, 200);
    let expected = json!({"project_name": cp.project, "default_cloud": "azure-westeurope", "billing_currency": "USD",
                          "vat_id": "", "billing_extra_text": null, "billing_address": "", "country_code": ""});
    assert_eq!(projects, json!({"projects": [expected.clone()]}));
    assert_eq!(
        get(&cp, &format!("/v1/project/{}", cp.project), Some(&cp.token)).await,
        (200, json!({"project": expected}))
    );
    assert_eq!(get(&cp, "/v1/project/other", Some(&cp.token)).await.0, 403);

    // The default cloud follows the project's first VPC.
    let r = cp
        .call(Method::POST, "/vpcs", Some(json!({"cloud_name": "azure-northeurope", "network_cidr": "10.5.0.0/24"})))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let (_, project) = get(&cp, &format!("/v1/project/{}", cp.project), Some(&cp.token)).await;
    assert_eq!(project["project"]["default_cloud"], "azure-northeurope");

    let (status, me) = get(&cp, "/v1/me", Some(&cp.token)).await;
    assert_eq!(status, 200, "{me}");
    let user = &me["user"];
    assert_eq!(
        (&user["user"], &user["state"], &user["real_name"], &user["projects"], &user["auth"]),
        (&json!("ops@provider.example"), &json!("active"), &json!(""), &json!([cp.project]), &json!(["password"]))
    );
    let begin = user["token_validity_begin"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(begin).is_ok(), "{begin}");
    assert_eq!(get(&cp, "/v1/me", None).await.0, 403);
}

#[tokio::test]
async fn one_vpc_per_cloud_and_only_catalogue_clouds() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start_with(&emu, ServeOptions { api_only: true, ..Default::default() }).await;
    let create = |cloud: &str, cidr: &str| {
        cp.call(
            Method::POST,
            "/vpcs",
            Some(json!({"cloud_name": cloud, "network_cidr": cidr, "peering_connections": []})),
        )
    };
    let first = create("azure-westeurope", "10.1.0.0/24").await;
    assert_eq!(first.status, 201);
    let id = first.body["project_vpc_id"].as_str().unwrap();
    let again = create("azure-westeurope", "10.2.0.0/24").await;
    assert_error(&again, 409, &format!("Project VPC already exists in cloud azure-westeurope: {id}"));
    assert_eq!(create("azure-germany-westcentral", "10.2.0.0/24").await.status, 201, "another cloud is fine");
    let unknown = create("azure-atlantis", "10.3.0.0/24").await;
    assert_error(&unknown, 400, "Cloud 'azure-atlantis' is not available; use one of: azure-westeurope, ");
    assert_eq!(cp.call(Method::GET, "/vpcs", None).await.body["vpcs"].as_array().unwrap().len(), 2);
    // A VPC still DELETING holds its cloud (only DELETED frees it).
    assert_eq!(cp.call(Method::DELETE, &format!("/vpcs/{id}"), None).await.status, 200);
    assert_eq!(create("azure-westeurope", "10.4.0.0/24").await.status, 409);
}

#[tokio::test]
async fn user_peer_network_cidrs_are_checked_and_overlaps_between_connections_warned() {
    let emu = Emu::start().await;
    let cp = ControlPlane::start(&emu).await;
    let (vpc, _) = cp.active_vpc("10.20.0.0/24").await;
    let app_id = "eeeeeeee-0000-0000-0000-0000000000c1";
    for vnet in ["vnet-a", "vnet-b"] {
        let r = cp
            .call(Method::POST, &format!("/vpcs/{vpc}/peering-connections"), Some(connection_body(vnet, app_id)))
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let path = format!("/vpcs/{vpc}/user-peer-network-cidrs");
    let add = |vnet: &str, cidr: &str| json!({"add": [{"peer_cloud_account": CUSTOMER_SUB, "peer_vpc": vnet, "peer_resource_group": "customer-rg", "cidr": cidr}]});
    let put = |body: Value| cp.call(Method::PUT, &path, Some(body));

    assert_error(&put(add("vnet-a", "10.3.0.300/16")).await, 400, "not a CIDR");
    assert_error(&put(add("vnet-a", "10.3.0.1/16")).await, 400, "did you mean '10.3.0.0/16'");
    assert_error(&put(add("vnet-a", "10.20.0.0/16")).await, 400, "overlaps the project VPC's own network 10.20.0.0/24");
    assert_error(&put(add("vnet-a", "10.20.0.128/25")).await, 400, "overlaps the project VPC's own network");
    assert_error(&put(add("vnet-nope", "10.3.0.0/16")).await, 404, "Peering connection does not exist");
    let ok = put(add("vnet-a", "10.3.0.0/16")).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_error(
        &put(add("vnet-a", "10.3.0.0/16")).await,
        400,
        "already set on the peering connection to customer-rg/vnet-a",
    );
    let mut twice = add("vnet-b", "10.9.0.0/16");
    twice["add"] = json!([twice["add"][0].clone(), twice["add"][0].clone()]);
    assert_error(&put(twice).await, 400, "already set");

    // No warning without an overlap; overlapping peer ranges of two connections warn on both.
    let connections = |vpc_body: &Value| vpc_body["peering_connections"].as_array().unwrap().clone();
    let body = put(add("vnet-b", "10.4.0.0/16")).await.body;
    assert!(connections(&body).iter().all(|c| c["state_info"]["warnings"].is_null()), "{body}");
    let body = put(add("vnet-b", "10.3.128.0/17")).await.body;
    for c in connections(&body) {
        let warnings = c["state_info"]["warnings"].as_array().unwrap_or_else(|| panic!("no warnings: {c}"));
        assert_eq!(warnings.len(), 1, "{c}");
        assert_eq!(warnings[0]["type"], "overlapping-peer-vpc-ip-ranges");
        let message = warnings[0]["message"].as_str().unwrap();
        assert!(message.contains("10.3.0.0/16") && message.contains("10.3.128.0/17"), "{message}");
        assert!(c["state_info"]["message"].is_string(), "avn needs state_info.message: {c}");
    }
    let listed = cp.call(Method::GET, &format!("/vpcs/{vpc}"), None).await.body;
    assert!(connections(&listed).iter().all(|c| c["state_info"]["warnings"].is_array()));
    // Deleting a CIDR removes the warning.
    let body = put(json!({"delete": ["10.3.128.0/17"]})).await.body;
    assert!(connections(&body).iter().all(|c| c["state_info"]["warnings"].is_null()), "{body}");
}

/// Every cloud the control plane offers is an Azure location the emulator (and Azure) knows, so a
/// VPC in any of them gets its provider VNet.
#[test]
fn every_cloud_maps_to_an_azure_location() {
    for c in control_plane::domain::clouds::CLOUDS {
        assert!(azure_emulator::model::regions::find(c.azure_region).is_some(), "{} → {}", c.name, c.azure_region);
    }
}

//! The ARM surface around the guide as current clients meet it: api-versions per resource type,
//! long-running deletes, conditional writes, paging, the catalog routes (locations, providers,
//! generic resources), tags, address checks, the network rules on changed address spaces and
//! gateways, and properties the emulator stores without modelling them.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

const RG_API: &str = "api-version=2024-11-01";

fn vnet(name: &str) -> String {
    vnet_id(CUSTOMER_SUB, "customer-rg", name)
}

#[tokio::test]
async fn api_versions_are_checked_per_resource_type_with_arms_own_errors() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    for v in ["2026-03-01", "2025-07-01", "2023-11-01", "2018-08-01"] {
        let r = emu.arm(Method::GET, &format!("{}?api-version={v}", vnet("customer-vnet")), &admin, &[], None).await;
        assert_eq!(r.status, 200, "{v}: {}", r.body);
    }
    let r = emu.arm(Method::GET, &format!("{}?api-version=2030-01-01", vnet("customer-vnet")), &admin, &[], None).await;
    assert_eq!((r.status.as_u16(), r.code()), (400, "NoRegisteredProviderFound"), "{}", r.body);
    let m = r.message();
    assert!(m.starts_with("No registered resource provider found for location 'westeurope' and API version '2030-01-01' for type 'virtualNetworks'. The supported api-versions are '2014-12-01-preview, 2015-05-01-preview, 2015-06-15,"), "{m}");
    assert!(m.contains("2026-03-01'. The supported locations are '") && m.contains("West Europe"), "{m}");

    let rg = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg?api-version=2099-01-01");
    let r = emu.arm(Method::GET, &rg, &admin, &[], None).await;
    assert_eq!((r.status.as_u16(), r.code()), (400, "InvalidApiVersionParameter"), "{}", r.body);
    assert!(
        r.message().starts_with(
            "The api-version '2099-01-01' is invalid. The supported versions are '2025-04-01,2025-03-01,2024-11-01,"
        ),
        "{}",
        r.message()
    );

    // The provider listing advertises exactly what is accepted.
    let p = emu
        .arm(
            Method::GET,
            &format!("/subscriptions/{CUSTOMER_SUB}/providers/Microsoft.Network?{RG_API}"),
            &admin,
            &[],
            None,
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    let types = p.body["resourceTypes"].as_array().unwrap();
    let vnets = types.iter().find(|t| t["resourceType"] == "virtualNetworks").expect("virtualNetworks");
    let versions: Vec<&str> = vnets["apiVersions"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(versions[0], "2026-03-01", "newest first");
    assert_eq!(vnets["defaultApiVersion"], "2026-03-01");
    for v in versions.iter().step_by(9) {
        let r = emu.arm(Method::GET, &format!("{}?api-version={v}", vnet("customer-vnet")), &admin, &[], None).await;
        assert_eq!(r.status, 200, "listed {v} must be accepted");
    }
    let unknown = emu
        .arm(
            Method::GET,
            &format!("/subscriptions/{CUSTOMER_SUB}/providers/Microsoft.Nope?{RG_API}"),
            &admin,
            &[],
            None,
        )
        .await;
    assert_eq!((unknown.status.as_u16(), unknown.code()), (404, "InvalidResourceNamespace"));
}

#[tokio::test]
async fn deletes_are_long_running_operations_that_clients_poll() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let subnet = format!("{}/subnets/default?{NET_API}", vnet("customer-vnet"));
    let del = emu.arm(Method::DELETE, &subnet, &admin, &[], None).await;
    assert_eq!(del.status, 202, "{}", del.body);
    let status_url = del.headers["azure-asyncoperation"].to_str().unwrap().to_string();
    let location = del.headers["location"].to_str().unwrap().to_string();
    assert!(status_url.contains("/providers/Microsoft.Network/locations/westeurope/operations/"), "{status_url}");
    assert!(location.contains("/providers/Microsoft.Network/locations/westeurope/operationResults/"), "{location}");
    let status = emu.arm(Method::GET, &status_url, &admin, &[], None).await;
    assert_eq!((status.status.as_u16(), status.body["status"].as_str()), (200, Some("Succeeded")));
    assert_eq!(emu.arm(Method::GET, &location, &admin, &[], None).await.status, 204);
    assert_eq!(emu.arm(Method::GET, &subnet, &admin, &[], None).await.status, 404, "the subnet is gone");
    assert_eq!(emu.arm(Method::DELETE, &subnet, &admin, &[], None).await.status, 204, "nothing left to delete");
    let bogus = location.replace("/operationResults/", "/operationResults/0000");
    assert_eq!(emu.arm(Method::GET, &bogus, &admin, &[], None).await.status, 404);

    let group = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/doomed?{RG_API}");
    assert_eq!(emu.arm(Method::PUT, &group, &admin, &[], Some(json!({"location": "westeurope"}))).await.status, 201);
    let del = emu.arm(Method::DELETE, &group, &admin, &[], None).await;
    assert_eq!(del.status, 202, "{}", del.body);
    let poll = del.headers["location"].to_str().unwrap().to_string();
    assert!(poll.contains(&format!("/subscriptions/{CUSTOMER_SUB}/operationresults/")), "{poll}");
    assert_eq!(emu.arm(Method::GET, &poll, &admin, &[], None).await.status, 200);
    assert_eq!(emu.arm(Method::HEAD, &group, &admin, &[], None).await.status, 404);
}

#[tokio::test]
async fn conditional_writes_and_deletes_answer_412_and_change_nothing() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let url = format!("{}?{NET_API}", vnet("customer-vnet-2"));
    let current = emu.arm(Method::GET, &url, &admin, &[], None).await;
    let etag = current.body["etag"].as_str().unwrap().to_string();
    let body = json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.3.0.0/16", "10.4.0.0/16"]}}});
    let send = |h: (&'static str, String), b: Option<Value>, m: Method| {
        let (emu, admin, url) = (&emu, admin.clone(), url.clone());
        async move { emu.send(m, &url, &[("authorization", format!("Bearer {admin}")), h], b).await }
    };
    let r = send(("if-none-match", "*".into()), Some(body.clone()), Method::PUT).await;
    assert_eq!((r.status.as_u16(), r.code()), (412, "PreconditionFailed"), "{}", r.body);
    let r =
        send(("if-match", "W/\"00000000-0000-0000-0000-000000000000\"".into()), Some(body.clone()), Method::PUT).await;
    assert_eq!(r.status, 412);
    let r = send(("if-match", "W/\"stale\"".into()), None, Method::DELETE).await;
    assert_eq!(r.status, 412);
    let unchanged = emu.arm(Method::GET, &url, &admin, &[], None).await;
    assert_eq!(unchanged.body["etag"], etag.as_str(), "nothing was written");
    let r = send(("if-match", etag.clone()), Some(body), Method::PUT).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_ne!(r.body["etag"], etag.as_str());
    let fresh = format!("{}?{NET_API}", vnet("brand-new"));
    let create =
        json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.9.0.0/16"]}}});
    let r = emu
        .send(
            Method::PUT,
            &fresh,
            &[("authorization", format!("Bearer {admin}")), ("if-match", "*".into())],
            Some(create.clone()),
        )
        .await;
    assert_eq!(r.status, 412, "If-Match: * needs an existing resource");
    let r = emu
        .send(
            Method::PUT,
            &fresh,
            &[("authorization", format!("Bearer {admin}")), ("if-none-match", "*".into())],
            Some(create),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
}

/// Follows `nextLink` to the end, returning every item.
async fn all_pages(emu: &Emu, token: &str, first: &str) -> (Vec<Value>, usize) {
    let (mut items, mut pages, mut url) = (vec![], 0, first.to_string());
    loop {
        let r = emu.arm(Method::GET, &url, token, &[], None).await;
        assert_eq!(r.status, 200, "{url}: {}", r.body);
        pages += 1;
        items.extend(r.body["value"].as_array().unwrap().iter().cloned());
        match r.body["nextLink"].as_str() {
            Some(next) => url = next.to_string(),
            None => return (items, pages),
        }
    }
}

#[tokio::test]
async fn lists_are_paged_with_next_links_that_reach_every_item() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    assert_eq!(emu.admin(Method::PATCH, "knobs", Some(json!({"listPageSize": 1}))).await.status, 200);
    let first = format!("/subscriptions/{CUSTOMER_SUB}/providers/Microsoft.Network/virtualNetworks?{NET_API}");
    let (items, pages) = all_pages(&emu, &admin, &first).await;
    let mut names: Vec<&str> = items.iter().map(|v| v["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["customer-vnet", "customer-vnet-2", "overlap-vnet"]);
    assert_eq!(pages, 3);
    assert_eq!(emu.admin(Method::PATCH, "knobs", Some(json!({"listPageSize": 100}))).await.status, 200);
    let (top, pages) = all_pages(&emu, &admin, &format!("{first}&$top=2")).await;
    assert_eq!((top.len(), pages), (3, 2), "$top sizes the pages; nextLink still reaches every item");
    let bad = emu.arm(Method::GET, &format!("{first}&$skiptoken=nope"), &admin, &[], None).await;
    assert_eq!((bad.status.as_u16(), bad.code()), (400, "InvalidParameter"));
    let refused = emu.admin(Method::PATCH, "knobs", Some(json!({"listPageSize": 0}))).await;
    assert_eq!(refused.status, 400);
}

#[tokio::test]
async fn locations_resources_and_tags() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let locs = emu
        .arm(Method::GET, &format!("/subscriptions/{CUSTOMER_SUB}/locations?api-version=2022-12-01"), &admin, &[], None)
        .await;
    assert_eq!(locs.status, 200);
    let we = locs.body["value"].as_array().unwrap().iter().find(|l| l["name"] == "westeurope").expect("westeurope");
    assert_eq!(
        (we["displayName"].as_str(), we["metadata"]["pairedRegion"][0]["name"].as_str()),
        (Some("West Europe"), Some("northeurope"))
    );

    let patched = emu
        .arm(
            Method::PATCH,
            &format!("{}?{NET_API}", vnet("customer-vnet")),
            &admin,
            &[],
            Some(json!({"tags": {"env": "prod"}})),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.body["tags"], json!({"env": "prod"}));
    assert_eq!(
        patched.body["properties"]["addressSpace"]["addressPrefixes"],
        json!(["10.1.0.0/16"]),
        "only tags change"
    );

    let resources = |q: &str| format!("/subscriptions/{CUSTOMER_SUB}/resources?{RG_API}{q}");
    let all = emu.arm(Method::GET, &resources(""), &admin, &[], None).await;
    assert_eq!(all.body["value"].as_array().unwrap().len(), 3, "{}", all.body);
    let tagged =
        emu.arm(Method::GET, &resources("&$filter=tagName eq 'env' and tagValue eq 'prod'"), &admin, &[], None).await;
    let v = tagged.body["value"].as_array().unwrap();
    assert_eq!(
        (v.len(), v[0]["name"].as_str(), v[0]["type"].as_str()),
        (1, Some("customer-vnet"), Some("Microsoft.Network/virtualNetworks"))
    );
    let typed = emu
        .arm(Method::GET, &resources("&$filter=resourceType eq 'Microsoft.Network/virtualNetworks'"), &admin, &[], None)
        .await;
    assert_eq!(typed.body["value"].as_array().unwrap().len(), 3);
    let none = emu
        .arm(Method::GET, &resources("&$filter=resourceType eq 'Microsoft.Compute/virtualMachines'"), &admin, &[], None)
        .await;
    assert_eq!(none.body["value"], json!([]));
    let in_group = emu
        .arm(
            Method::GET,
            &format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg/resources?{RG_API}"),
            &admin,
            &[],
            None,
        )
        .await;
    assert_eq!(in_group.body["value"].as_array().unwrap().len(), 3);
    // Another tenant's principal sees nothing of this subscription.
    let provider = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    let foreign = emu.arm(Method::GET, &resources(""), &provider, &[], None).await;
    assert_eq!(foreign.status, 401, "{}", foreign.body);
}

#[tokio::test]
async fn ip_address_availability_knows_azures_reserved_addresses() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let check = |ip: &str| format!("{}/CheckIPAddressAvailability?ipAddress={ip}&{NET_API}", vnet("customer-vnet"));
    let free = emu.arm(Method::GET, &check("10.1.0.4"), &admin, &[], None).await;
    assert_eq!(free.body, json!({"available": true}));
    let reserved = emu.arm(Method::GET, &check("10.1.0.1"), &admin, &[], None).await;
    assert_eq!(reserved.body["available"], false);
    assert_eq!(
        reserved.body["availableIPAddresses"],
        json!(["10.1.0.4", "10.1.0.5", "10.1.0.6", "10.1.0.7", "10.1.0.8"])
    );
    let last = emu.arm(Method::GET, &check("10.1.0.255"), &admin, &[], None).await;
    assert_eq!(last.body["available"], false);
    let outside = emu.arm(Method::GET, &check("10.1.5.4"), &admin, &[], None).await;
    assert_eq!((outside.status.as_u16(), outside.code()), (400, "PrivateIPAddressNotInAnySubnet"));
    let junk = emu.arm(Method::GET, &check("not-an-ip"), &admin, &[], None).await;
    assert_eq!((junk.status.as_u16(), junk.code()), (400, "InvalidParameter"));
}

#[tokio::test]
async fn a_peered_vnet_cannot_grow_into_its_peer_and_remote_gateways_must_exist() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let r = emu.put_peering(&vnet("customer-vnet"), "one-to-two", &vnet("customer-vnet-2"), &admin, &[]).await;
    assert_eq!(r.status, 201, "{}", r.body);
    // The remote side only has an Initiated peering pointing at it: still peered.
    let grow = json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.3.0.0/16", "10.1.128.0/17"]}}});
    let r = emu.arm(Method::PUT, &format!("{}?{NET_API}", vnet("customer-vnet-2")), &admin, &[], Some(grow)).await;
    assert_eq!((r.status.as_u16(), r.code()), (400, "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet"), "{}", r.body);
    assert!(r.message().contains("10.1.128.0/17, 10.1.0.0/16"), "{}", r.message());
    let after = emu.arm(Method::GET, &format!("{}?{NET_API}", vnet("customer-vnet-2")), &admin, &[], None).await;
    assert_eq!(after.body["properties"]["addressSpace"]["addressPrefixes"], json!(["10.3.0.0/16"]));
    let ok = json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.3.0.0/16", "10.5.0.0/16"]}}});
    let r = emu.arm(Method::PUT, &format!("{}?{NET_API}", vnet("customer-vnet-2")), &admin, &[], Some(ok)).await;
    assert_eq!(r.status, 200, "{}", r.body);

    let body =
        json!({"properties": {"remoteVirtualNetwork": {"id": vnet("customer-vnet")}, "useRemoteGateways": true}});
    let r = emu
        .arm(
            Method::PUT,
            &format!("{}/virtualNetworkPeerings/two-to-one?{NET_API}", vnet("customer-vnet-2")),
            &admin,
            &[],
            Some(body),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (400, "RemoteVnetHasNoGateways"), "{}", r.body);
    assert!(r.message().contains("does not have any gateways"));
}

#[tokio::test]
async fn properties_the_emulator_does_not_model_are_kept_as_sent() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let url = format!("{}?{NET_API}", vnet("customer-vnet-2"));
    let body = json!({"location": "westeurope", "properties": {
        "addressSpace": {"addressPrefixes": ["10.3.0.0/16"]},
        "dhcpOptions": {"dnsServers": ["10.3.0.10", "10.3.0.11"]},
        "enableDdosProtection": true,
        "provisioningState": "Failed",
        "subnets": [{"name": "app", "properties": {"addressPrefix": "10.3.1.0/24", "serviceEndpoints": [{"service": "Microsoft.Storage"}]}}],
    }});
    let put = emu.arm(Method::PUT, &url, &admin, &[], Some(body)).await;
    assert_eq!(put.status, 200, "{}", put.body);
    let got = emu.arm(Method::GET, &url, &admin, &[], None).await.body;
    let p = &got["properties"];
    assert_eq!(p["dhcpOptions"]["dnsServers"], json!(["10.3.0.10", "10.3.0.11"]));
    assert_eq!(p["enableDdosProtection"], true, "a sent value replaces the default");
    assert_eq!(p["provisioningState"], "Succeeded", "read-only values are the emulator's");
    assert_eq!(p["subnets"][0]["properties"]["serviceEndpoints"], json!([{"service": "Microsoft.Storage"}]));

    let subnet = format!("{}/subnets/db?{NET_API}", vnet("customer-vnet-2"));
    let sb = json!({"properties": {"addressPrefix": "10.3.2.0/24", "serviceEndpoints": [{"service": "Microsoft.Sql"}], "defaultOutboundAccess": false}});
    assert_eq!(emu.arm(Method::PUT, &subnet, &admin, &[], Some(sb)).await.status, 201);
    let s = emu.arm(Method::GET, &subnet, &admin, &[], None).await.body;
    assert_eq!(
        (
            s["properties"]["serviceEndpoints"][0]["service"].as_str(),
            s["properties"]["defaultOutboundAccess"].as_bool()
        ),
        (Some("Microsoft.Sql"), Some(false))
    );
    let v = emu.arm(Method::GET, &url, &admin, &[], None).await.body;
    assert_eq!(
        v["properties"]["dhcpOptions"]["dnsServers"][0], "10.3.0.10",
        "a subnet write keeps the VNet's own properties"
    );

    let huge = json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.3.0.0/16"]}, "blob": "x".repeat(70_000)}});
    let r = emu.arm(Method::PUT, &url, &admin, &[], Some(huge)).await;
    assert_eq!((r.status.as_u16(), r.code()), (400, "InvalidParameter"), "unmodeled properties are bounded");
}

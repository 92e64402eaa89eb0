//! Network interfaces over HTTPS against the real `isthmus emulator`: created with the body az
//! sends, addresses allocated as Azure does (`.4` up, reserved ones refused), read, listed with
//! paging and in the generic resource list, deleted as a long-running operation; ARM's errors in
//! ARM's shape; a subnet in use cannot go; joining a subnet needs `subnets/join/action`.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

const RG: &str = "customer-rg";

fn nic_id(rg: &str, name: &str) -> String {
    format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/{rg}/providers/Microsoft.Network/networkInterfaces/{name}")
}

fn nic_url(name: &str) -> String {
    format!("{}?{NET_API}", nic_id(RG, name))
}

fn subnet(vnet: &str, name: &str) -> String {
    format!("{}/subnets/{name}", vnet_id(CUSTOMER_SUB, RG, vnet))
}

/// The body `az network nic create -g RG -n NAME --vnet-name V --subnet S [--private-ip-address IP]`
/// sends.
fn az_body(subnet_id: &str, static_ip: Option<&str>) -> Value {
    let mut props = json!({"privateIPAddressVersion": "IPv4", "privateIPAllocationMethod": "Dynamic",
                           "subnet": {"id": subnet_id}});
    if let Some(ip) = static_ip {
        props["privateIPAllocationMethod"] = json!("Static");
        props["privateIPAddress"] = json!(ip);
    }
    json!({"location": "westeurope", "properties": {"ipConfigurations": [{"name": "ipconfig1", "properties": props}]}})
}

async fn get(emu: &Emu, url: &str, token: &str) -> Reply {
    emu.arm(Method::GET, url, token, &[], None).await
}

fn address(r: &Reply) -> &str {
    r.body["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"].as_str().unwrap_or_default()
}

/// An ARM error: the status, and exactly `{"error": {"code", "message"}}` with this code.
fn assert_arm_error(r: &Reply, status: u16, code: &str) {
    assert_eq!((r.status.as_u16(), r.code()), (status, code), "{}", r.body);
    let error = r.body["error"].as_object().expect("error object");
    let mut keys: Vec<&str> = error.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["code", "message"], "{}", r.body);
    assert!(!r.message().is_empty());
}

#[tokio::test]
async fn nics_are_created_read_listed_and_deleted_as_azure_does() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let default = subnet("customer-vnet", "default");

    let first = emu.arm(Method::PUT, &nic_url("nic1"), &admin, &[], Some(az_body(&default, None))).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let b = &first.body;
    assert_eq!(b["id"], nic_id(RG, "nic1"));
    assert_eq!((b["name"].as_str(), b["type"].as_str()), (Some("nic1"), Some("Microsoft.Network/networkInterfaces")));
    assert_eq!(b["location"], "westeurope");
    assert!(b["etag"].as_str().unwrap().starts_with("W/\""), "{b}");
    let p = &b["properties"];
    assert_eq!((p["provisioningState"].as_str(), p["nicType"].as_str()), (Some("Succeeded"), Some("Standard")));
    assert!(p["resourceGuid"].as_str().is_some_and(|g| g.len() == 36));
    assert!(p.get("macAddress").is_none() && p.get("virtualMachine").is_none(), "not attached to a VM: {p}");
    let ipc = &p["ipConfigurations"][0];
    assert_eq!(ipc["id"], format!("{}/ipConfigurations/ipconfig1", nic_id(RG, "nic1")));
    assert_eq!(ipc["type"], "Microsoft.Network/networkInterfaces/ipConfigurations");
    assert_eq!(
        ipc["properties"],
        json!({"provisioningState": "Succeeded", "privateIPAddress": "10.1.0.4", "privateIPAllocationMethod": "Dynamic",
               "privateIPAddressVersion": "IPv4", "primary": true, "subnet": {"id": default}})
    );

    let fixed = emu.arm(Method::PUT, &nic_url("nic2"), &admin, &[], Some(az_body(&default, Some("10.1.0.10")))).await;
    assert_eq!((fixed.status.as_u16(), address(&fixed)), (201, "10.1.0.10"), "{}", fixed.body);
    assert_eq!(fixed.body["properties"]["ipConfigurations"][0]["properties"]["privateIPAllocationMethod"], "Static");
    let third = emu.arm(Method::PUT, &nic_url("nic3"), &admin, &[], Some(az_body(&default, None))).await;
    assert_eq!((third.status.as_u16(), address(&third)), (201, "10.1.0.5"));

    // PUT again is an update: 200, the same address and resourceGuid, a new etag.
    let mut again = az_body(&default, None);
    again["tags"] = json!({"env": "test"});
    let updated = emu.arm(Method::PUT, &nic_url("nic1"), &admin, &[], Some(again.clone())).await;
    assert_eq!((updated.status.as_u16(), address(&updated)), (200, "10.1.0.4"), "{}", updated.body);
    assert_eq!(updated.body["properties"]["resourceGuid"], p["resourceGuid"]);
    assert_ne!(updated.body["etag"], b["etag"]);
    assert_eq!(updated.body["tags"], json!({"env": "test"}));
    let etag = updated.body["etag"].as_str().unwrap().to_string();
    let auth = ("authorization", format!("Bearer {admin}"));
    let r = emu.send(Method::PUT, &nic_url("nic1"), &[auth.clone(), ("if-none-match", "*".into())], Some(again)).await;
    assert_arm_error(&r, 412, "PreconditionFailed");
    let got = get(&emu, &nic_url("nic1"), &admin).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body, updated.body, "GET shows what the PUT answered");

    // Lists: per group and per subscription, paged through nextLink.
    assert_eq!(emu.admin(Method::PATCH, "knobs", Some(json!({"listPageSize": 2}))).await.status, 200);
    for list in [
        format!(
            "/subscriptions/{CUSTOMER_SUB}/resourceGroups/{RG}/providers/Microsoft.Network/networkInterfaces?{NET_API}"
        ),
        format!("/subscriptions/{CUSTOMER_SUB}/providers/Microsoft.Network/networkInterfaces?{NET_API}"),
    ] {
        let page = get(&emu, &list, &admin).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(page.body["value"].as_array().unwrap().len(), 2);
        let next = page.body["nextLink"].as_str().expect("nextLink").to_string();
        let rest = get(&emu, &next, &admin).await;
        let mut names: Vec<&str> = page.body["value"]
            .as_array()
            .unwrap()
            .iter()
            .chain(rest.body["value"].as_array().unwrap())
            .map(|n| n["name"].as_str().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["nic1", "nic2", "nic3"]);
        assert!(rest.body.get("nextLink").is_none());
    }
    assert_eq!(emu.admin(Method::PATCH, "knobs", Some(json!({"listPageSize": 100}))).await.status, 200);
    let resources = get(&emu, &format!("/subscriptions/{CUSTOMER_SUB}/resources?api-version=2024-11-01&$filter=resourceType%20eq%20%27Microsoft.Network/networkInterfaces%27"), &admin).await;
    assert_eq!(resources.status, 200, "{}", resources.body);
    let generic: Vec<&Value> = resources.body["value"].as_array().unwrap().iter().collect();
    assert_eq!(generic.len(), 3);
    assert_eq!(
        generic[0],
        &json!({"id": nic_id(RG, "nic1"), "name": "nic1", "type": "Microsoft.Network/networkInterfaces", "location": "westeurope", "tags": {"env": "test"}})
    );

    // The addresses NICs hold are no longer available.
    let check =
        get(&emu, &format!("{}/CheckIPAddressAvailability?{NET_API}&ipAddress=10.1.0.5", customer_vnet()), &admin)
            .await;
    assert_eq!(
        check.body,
        json!({"available": false, "isPlatformReserved": false, "availableIPAddresses": ["10.1.0.6", "10.1.0.7", "10.1.0.8", "10.1.0.9", "10.1.0.11"]})
    );

    // api-versions as for VNets.
    let old = get(&emu, &format!("{}?api-version=2030-01-01", nic_id(RG, "nic1")), &admin).await;
    assert_arm_error(&old, 400, "NoRegisteredProviderFound");
    assert!(old.message().contains("for type 'networkInterfaces'"), "{}", old.message());
    let latest = get(&emu, &format!("{}?api-version=2026-03-01", nic_id(RG, "nic1")), &admin).await;
    assert_eq!(latest.status, 200);

    // DELETE is a long-running operation, as for VNets; the freed address is handed out again.
    let r = emu.send(Method::DELETE, &nic_url("nic1"), &[auth.clone(), ("if-match", "W/\"nope\"".into())], None).await;
    assert_arm_error(&r, 412, "PreconditionFailed");
    let del = emu.send(Method::DELETE, &nic_url("nic1"), &[auth.clone(), ("if-match", etag)], None).await;
    assert_eq!(del.status, 202, "{}", del.body);
    let status_url = del.headers["azure-asyncoperation"].to_str().unwrap().to_string();
    assert!(status_url.contains("/providers/Microsoft.Network/locations/westeurope/operations/"), "{status_url}");
    let status = get(&emu, &status_url, &admin).await;
    assert_eq!(status.body["status"], "Succeeded");
    let location = del.headers["location"].to_str().unwrap().to_string();
    assert_eq!(get(&emu, &location, &admin).await.status, 204);
    let gone = get(&emu, &nic_url("nic1"), &admin).await;
    assert_arm_error(&gone, 404, "ResourceNotFound");
    assert_eq!(
        gone.message(),
        "The Resource 'Microsoft.Network/networkInterfaces/nic1' under resource group 'customer-rg' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
    );
    assert_eq!(emu.arm(Method::DELETE, &nic_url("nic1"), &admin, &[], None).await.status, 204);
    let reuse = emu.arm(Method::PUT, &nic_url("nic4"), &admin, &[], Some(az_body(&default, None))).await;
    assert_eq!(address(&reuse), "10.1.0.4");

    // NICs are state like any other: they survive kill -9.
    let (dir, port) = (emu.dir.clone(), emu.port());
    let tmp = emu.kill9().await;
    let emu = Emu::start_at(&dir, Some(&fixture("two-tenants.json")), &format!("127.0.0.1:{port}")).await;
    let back = get(&emu, &nic_url("nic4"), &admin).await;
    assert_eq!((back.status.as_u16(), address(&back)), (200, "10.1.0.4"), "{}", back.body);
    drop(emu);
    drop(tmp);
}

#[tokio::test]
async fn nic_errors_come_in_arms_shape_with_azures_codes() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let default = subnet("customer-vnet", "default");
    let put = |name: &str, body: Value| {
        let (emu, admin, url) = (&emu, admin.clone(), nic_url(name));
        async move { emu.arm(Method::PUT, &url, &admin, &[], Some(body)).await }
    };
    assert_eq!(put("taken", az_body(&default, Some("10.1.0.10"))).await.status, 201);

    let r = put("n", az_body(&subnet("customer-vnet", "nope"), None)).await;
    assert_arm_error(&r, 400, "InvalidResourceReference");
    assert_eq!(
        r.message(),
        format!("Resource {} referenced by resource {} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.", subnet("customer-vnet", "nope"), nic_id(RG, "n"))
    );
    let r = put("n", az_body(&subnet("no-such-vnet", "default"), None)).await;
    assert_arm_error(&r, 400, "InvalidResourceReference");
    assert!(r.message().starts_with(&format!("Resource {} referenced", vnet_id(CUSTOMER_SUB, RG, "no-such-vnet"))));
    let mut elsewhere = az_body(&default, None);
    elsewhere["location"] = json!("eastus");
    assert_arm_error(&put("n", elsewhere).await, 400, "InvalidResourceReference");

    let r = put("n", az_body(&default, Some("10.1.0.3"))).await;
    assert_arm_error(&r, 400, "PrivateIPAddressInReservedRange");
    assert_eq!(
        r.message(),
        "Private static IP address 10.1.0.3 falls within reserved IP range of subnet prefix 10.1.0.0/24."
    );
    assert_arm_error(&put("n", az_body(&default, Some("10.1.0.255"))).await, 400, "PrivateIPAddressInReservedRange");
    let r = put("n", az_body(&default, Some("10.1.1.10"))).await;
    assert_arm_error(&r, 400, "PrivateIPAddressNotInSubnet");
    assert_eq!(
        r.message(),
        "Private static IP address 10.1.1.10 does not belong to the range of subnet prefix 10.1.0.0/24."
    );
    let r = put("n", az_body(&default, Some("10.1.0.10"))).await;
    assert_arm_error(&r, 400, "PrivateIPAddressIsAllocated");
    assert_eq!(
        r.message(),
        format!("IP configuration {0}/ipConfigurations/ipconfig1 is using the private IP address 10.1.0.10 which is already allocated to resource {1}/ipConfigurations/ipconfig1.", nic_id(RG, "n"), nic_id(RG, "taken"))
    );
    let mut no_address = az_body(&default, None);
    no_address["properties"]["ipConfigurations"][0]["properties"]["privateIPAllocationMethod"] = json!("Static");
    assert_arm_error(&put("n", no_address).await, 400, "PrivateIPAddressMissing");
    let mut no_subnet = az_body(&default, None);
    no_subnet["properties"]["ipConfigurations"][0]["properties"].as_object_mut().unwrap().remove("subnet");
    assert_arm_error(&put("n", no_subnet).await, 400, "SubnetIsRequired");
    let mut two = az_body(&default, None);
    let second = two["properties"]["ipConfigurations"][0].clone();
    two["properties"]["ipConfigurations"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "ipconfig2", "properties": second["properties"]}));
    assert_arm_error(&put("n", two).await, 400, "SubscriptionNotRegisteredForFeature");
    let mut nsg = az_body(&default, None);
    nsg["properties"]["networkSecurityGroup"] = json!({"id": format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/{RG}/providers/Microsoft.Network/networkSecurityGroups/nsg")});
    assert_arm_error(&put("n", nsg).await, 400, "InvalidResourceReference");
    assert_arm_error(&put("n", az_body("/subscriptions/x/nope", None)).await, 400, "LinkedInvalidPropertyId");
    let mut no_location = az_body(&default, None);
    no_location.as_object_mut().unwrap().remove("location");
    assert_arm_error(&put("n", no_location.clone()).await, 400, "InvalidParameter");
    // az sends no location when the group could not be read: ARM names the missing group.
    let missing_group = format!("{}?{NET_API}", nic_id("no-such-rg", "n"));
    assert_arm_error(
        &emu.arm(Method::PUT, &missing_group, &admin, &[], Some(no_location)).await,
        404,
        "ResourceGroupNotFound",
    );
    for bad in ["-n", "n-", "a%20b", &"n".repeat(81)] {
        let r = emu.arm(Method::PUT, &nic_url(bad), &admin, &[], Some(az_body(&default, None))).await;
        assert_arm_error(&r, 400, "InvalidResourceName");
    }
    assert_arm_error(
        &put("n", json!({"location": "westeurope", "properties": {"ipConfigurations": "x"}})).await,
        400,
        "InvalidRequestContent",
    );
    assert_arm_error(
        &emu.arm(Method::PATCH, &nic_url("taken"), &admin, &[], Some(json!({}))).await,
        405,
        "MethodNotAllowed",
    );
    let r = get(&emu, &nic_url("n"), &admin).await;
    assert_arm_error(&r, 404, "ResourceNotFound");

    // A /29 has 8 - 5 = 3 addresses to hand out.
    let small = json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.3.0.0/16"]},
                       "subnets": [{"name": "tiny", "properties": {"addressPrefix": "10.3.0.0/29"}}]}});
    let v = emu
        .arm(
            Method::PUT,
            &format!("{}?{NET_API}", vnet_id(CUSTOMER_SUB, RG, "customer-vnet-2")),
            &admin,
            &[],
            Some(small),
        )
        .await;
    assert_eq!(v.status, 200, "{}", v.body);
    let tiny = subnet("customer-vnet-2", "tiny");
    for (i, want) in ["10.3.0.4", "10.3.0.5", "10.3.0.6"].iter().enumerate() {
        let r = put(&format!("tiny{i}"), az_body(&tiny, None)).await;
        assert_eq!((r.status.as_u16(), address(&r)), (201, *want), "{}", r.body);
    }
    let r = put("tiny3", az_body(&tiny, None)).await;
    assert_arm_error(&r, 400, "SubnetIsFull");
    assert_eq!(
        r.message(),
        "Subnet tiny with address prefix 10.3.0.0/29 does not have enough capacity for 1 IP addresses."
    );
}

#[tokio::test]
async fn a_subnet_or_vnet_in_use_cannot_be_deleted_and_a_group_delete_takes_its_nics() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let default = subnet("customer-vnet", "default");
    assert_eq!(emu.arm(Method::PUT, &nic_url("user"), &admin, &[], Some(az_body(&default, None))).await.status, 201);
    let user = format!("{}/ipConfigurations/ipconfig1", nic_id(RG, "user"));

    let r = emu.arm(Method::DELETE, &format!("{default}?{NET_API}"), &admin, &[], None).await;
    assert_arm_error(&r, 400, "InUseSubnetCannotBeDeleted");
    assert_eq!(
        r.message(),
        format!("Subnet default is in use by {user} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.")
    );
    let vnet = format!("{}?{NET_API}", customer_vnet());
    let dropped = json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}, "subnets": []}});
    assert_arm_error(&emu.arm(Method::PUT, &vnet, &admin, &[], Some(dropped)).await, 400, "InUseSubnetCannotBeDeleted");
    let moved = json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]},
                       "subnets": [{"name": "default", "properties": {"addressPrefix": "10.1.1.0/24"}}]}});
    assert_arm_error(&emu.arm(Method::PUT, &vnet, &admin, &[], Some(moved)).await, 400, "InUseSubnetCannotBeUpdated");
    let r = emu.arm(Method::DELETE, &vnet, &admin, &[], None).await;
    assert_arm_error(&r, 400, "InUseSubnetCannotBeDeleted");
    assert!(r.message().contains(&user));
    assert_eq!(get(&emu, &vnet, &admin).await.status, 200, "nothing was deleted");
    assert_eq!(emu.arm(Method::DELETE, &nic_url("user"), &admin, &[], None).await.status, 202);
    assert_eq!(emu.arm(Method::DELETE, &format!("{default}?{NET_API}"), &admin, &[], None).await.status, 202);

    // Deleting a group deletes its NICs with its VNets.
    let rg_url = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/doomed?api-version=2024-11-01");
    assert_eq!(emu.arm(Method::PUT, &rg_url, &admin, &[], Some(json!({"location": "westeurope"}))).await.status, 201);
    let doomed_vnet = vnet_id(CUSTOMER_SUB, "doomed", "vn");
    let body = json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.8.0.0/16"]},
                      "subnets": [{"name": "s", "properties": {"addressPrefix": "10.8.0.0/24"}}]}});
    let r = emu.arm(Method::PUT, &format!("{doomed_vnet}?{NET_API}"), &admin, &[], Some(body)).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let doomed_nic = format!("{}?{NET_API}", nic_id("doomed", "n"));
    let r =
        emu.arm(Method::PUT, &doomed_nic, &admin, &[], Some(az_body(&format!("{doomed_vnet}/subnets/s"), None))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(emu.arm(Method::DELETE, &rg_url, &admin, &[], None).await.status, 202);
    assert_arm_error(&get(&emu, &doomed_nic, &admin).await, 404, "ResourceGroupNotFound");
    let state = emu.admin(Method::GET, "state", None).await;
    assert!(
        state.body["network_interfaces"].as_object().unwrap().keys().all(|k| !k.contains("/doomed/")),
        "{}",
        state.body["network_interfaces"]
    );
}

#[tokio::test]
async fn joining_a_subnet_needs_join_action_on_it() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let dev_id = "c0000000-0000-0000-0000-00000000000b";
    let dev = emu.user_token(CUSTOMER_DEV, ARM).await;
    let default = subnet("customer-vnet", "default");

    let r = emu.arm(Method::PUT, &nic_url("devnic"), &dev, &[], Some(az_body(&default, None))).await;
    assert_arm_error(&r, 403, "AuthorizationFailed");
    assert!(r.message().contains("'Microsoft.Network/networkInterfaces/write'"), "{}", r.message());

    // A role that manages NICs but may not join subnets: ARM's linked authorization refuses.
    let sub = format!("/subscriptions/{CUSTOMER_SUB}");
    let role = emu.define_role(&admin, "nic-writer", &["Microsoft.Network/networkInterfaces/*"], &[&sub]).await;
    assert_eq!(role.status, 201, "{}", role.body);
    assert_eq!(emu.assign(&admin, &sub, role.body["id"].as_str().unwrap(), dev_id).await.status, 201);
    let r = emu.arm(Method::PUT, &nic_url("devnic"), &dev, &[], Some(az_body(&default, None))).await;
    assert_arm_error(&r, 403, "LinkedAuthorizationFailed");
    let m = r.message();
    assert!(
        m.contains(&format!(
            "has permission to perform action 'Microsoft.Network/networkInterfaces/write' on scope '{}'",
            nic_id(RG, "devnic")
        )),
        "{m}"
    );
    assert!(
        m.contains(&format!(
            "'Microsoft.Network/virtualNetworks/subnets/join/action' on the linked scope(s) '{default}'"
        )),
        "{m}"
    );
    assert_arm_error(&get(&emu, &nic_url("devnic"), &dev).await, 404, "ResourceNotFound");

    // Network Contributor on the subnet alone grants the join.
    let nc = format!("/subscriptions/{CUSTOMER_SUB}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7");
    assert_eq!(emu.assign(&admin, &default, &nc, dev_id).await.status, 201);
    let r = emu.arm(Method::PUT, &nic_url("devnic"), &dev, &[], Some(az_body(&default, None))).await;
    assert_eq!((r.status.as_u16(), address(&r)), (201, "10.1.0.4"), "{}", r.body);

    // Role assignments can be made on a NIC, and go with it.
    let reader = format!("/subscriptions/{CUSTOMER_SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7");
    let (_, sp_id, _) = emu.customer_app("nic-reader").await;
    assert_eq!(emu.assign(&admin, &nic_id(RG, "devnic"), &reader, &sp_id).await.status, 201);
    assert_eq!(emu.arm(Method::DELETE, &nic_url("devnic"), &dev, &[], None).await.status, 202);
    let at_nic = get(
        &emu,
        &format!("/subscriptions/{CUSTOMER_SUB}/providers/Microsoft.Authorization/roleAssignments?{AUTH_API}"),
        &admin,
    )
    .await;
    assert!(!at_nic.body.to_string().contains("networkInterfaces/devnic"), "{}", at_nic.body);

    // A subnet in another tenant's subscription: the tenant is not authorized for it.
    let provider = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    let cross = format!("/subscriptions/{PROVIDER_SUB}/resourceGroups/provider-rg/providers/Microsoft.Network/networkInterfaces/x?{NET_API}");
    let r = emu.arm(Method::PUT, &cross, &provider, &[], Some(az_body(&default, None))).await;
    assert_arm_error(&r, 403, "LinkedAuthorizationFailed");
    assert!(
        r.message().contains(&format!("is not authorized to access linked subscription '{CUSTOMER_SUB}'")),
        "{}",
        r.message()
    );
}

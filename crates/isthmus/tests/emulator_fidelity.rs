//! Everyday ARM answers that clients depend on, as Azure gives them: `HEAD` and `DELETE` of
//! resource groups, role-definition updates, what survives a deleted service principal, and the
//! network provider's codes for missing references and overlapping subnets.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

const RG_API: &str = "api-version=2021-04-01";

#[tokio::test]
async fn resource_group_exists_and_delete_answer_as_arm_does() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let group = |rg: &str| format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/{rg}?{RG_API}");
    let head = emu.arm(Method::HEAD, &group("customer-rg"), &admin, &[], None).await;
    assert_eq!(head.status, 204, "an existing group");
    let head = emu.arm(Method::HEAD, &group("no-such-rg"), &admin, &[], None).await;
    assert_eq!(head.status, 404, "a missing group");
    let del = emu.arm(Method::DELETE, &group("no-such-rg"), &admin, &[], None).await;
    assert_eq!((del.status.as_u16(), del.code()), (404, "ResourceGroupNotFound"), "{}", del.body);
    assert_eq!(del.message(), "Resource group 'no-such-rg' could not be found.");
    let made = emu.arm(Method::PUT, &group("short-lived"), &admin, &[], Some(json!({"location": "westeurope"}))).await;
    assert_eq!(made.status, 201);
    assert_eq!(emu.arm(Method::DELETE, &group("short-lived"), &admin, &[], None).await.status, 202);
    assert_eq!(emu.arm(Method::HEAD, &group("short-lived"), &admin, &[], None).await.status, 404);
}

#[tokio::test]
async fn a_role_definition_update_answers_201_and_is_saved() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let sub = format!("/subscriptions/{CUSTOMER_SUB}");
    let id = uuid::Uuid::new_v4();
    let path = format!("{sub}/providers/Microsoft.Authorization/roleDefinitions/{id}?{ROLE_DEF_API}");
    let body = |d: &str| {
        json!({"properties": {"roleName": "peer", "description": d, "assignableScopes": [sub],
                              "permissions": [{"actions": ["Microsoft.Network/virtualNetworks/peer/action"]}]}})
    };
    assert_eq!(emu.arm(Method::PUT, &path, &admin, &[], Some(body("first"))).await.status, 201);
    let update = emu.arm(Method::PUT, &path, &admin, &[], Some(body("second"))).await;
    assert_eq!(update.status, 201, "{}", update.body);
    let read = emu.arm(Method::GET, &path, &admin, &[], None).await;
    assert_eq!(read.body["properties"]["description"], "second");
}

#[tokio::test]
async fn role_assignments_outlive_their_service_principal() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let graph = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;
    let (_, sp, _) = emu.customer_app("short-lived-app").await;
    let role = emu
        .define_role(
            &admin,
            "kept",
            &["Microsoft.Network/virtualNetworks/peer/action"],
            &[&format!("/subscriptions/{CUSTOMER_SUB}")],
        )
        .await;
    let assigned = emu.assign(&admin, &customer_vnet(), role.body["id"].as_str().unwrap(), &sp).await;
    assert_eq!(assigned.status, 201, "{}", assigned.body);
    assert_eq!(emu.graph(Method::DELETE, &format!("/servicePrincipals/{sp}"), &graph, None).await.status, 204);

    let list =
        format!("{}/providers/Microsoft.Authorization/roleAssignments?{AUTH_API}&$filter=atScope()", customer_vnet());
    let found = emu.arm(Method::GET, &list, &admin, &[], None).await;
    let principals: Vec<&str> = found.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["properties"]["principalId"].as_str())
        .collect();
    assert!(principals.contains(&sp.as_str()), "the assignment stays, naming the deleted principal: {principals:?}");
    let role_path = format!(
        "/subscriptions/{CUSTOMER_SUB}/providers/Microsoft.Authorization/roleDefinitions/{}?{ROLE_DEF_API}",
        role.body["name"].as_str().unwrap()
    );
    let blocked = emu.arm(Method::DELETE, &role_path, &admin, &[], None).await;
    assert_eq!(blocked.status, 400, "it still holds its role definition: {}", blocked.body);
    assert!(blocked.message().contains("RoleDefinitionHasAssignments"), "{}", blocked.message());
}

#[tokio::test]
async fn network_errors_use_the_network_providers_codes() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let gone = vnet_id(CUSTOMER_SUB, "customer-rg", "never-made");
    let put = emu.put_peering(&customer_vnet(), "to-nowhere", &gone, &admin, &[]).await;
    assert_eq!((put.status.as_u16(), put.code()), (400, "InvalidResourceReference"), "{}", put.body);
    assert_eq!(
        put.message(),
        format!(
            "Resource {gone} referenced by resource {}/virtualNetworkPeerings/to-nowhere was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.",
            customer_vnet()
        )
    );
    let missing = emu
        .arm(Method::GET, &format!("{}/virtualNetworkPeerings/nope?{NET_API}", customer_vnet()), &admin, &[], None)
        .await;
    assert_eq!((missing.status.as_u16(), missing.code()), (404, "NotFound"), "{}", missing.body);
    let subnets = json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.40.0.0/16"]},
        "subnets": [{"name": "a", "properties": {"addressPrefix": "10.40.1.0/24"}}, {"name": "b", "properties": {"addressPrefix": "10.40.1.128/25"}}]}});
    let clash = emu
        .arm(
            Method::PUT,
            &format!("{}?{NET_API}", vnet_id(CUSTOMER_SUB, "customer-rg", "clash")),
            &admin,
            &[],
            Some(subnets),
        )
        .await;
    assert_eq!((clash.status.as_u16(), clash.code()), (400, "NetcfgSubnetRangesOverlap"), "{}", clash.body);
}

#[tokio::test]
async fn users_are_read_by_id_or_upn_within_the_tenant() {
    let emu = Emu::start().await;
    let g = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;
    let by_upn = emu.graph(Method::GET, &format!("/users/{}", CUSTOMER_DEV.0), &g, None).await;
    assert_eq!(by_upn.status, 200, "{}", by_upn.body);
    assert_eq!(by_upn.body["userPrincipalName"], CUSTOMER_DEV.0);
    let id = by_upn.body["id"].as_str().unwrap();
    let by_id = emu.graph(Method::GET, &format!("/users/{id}"), &g, None).await;
    assert_eq!(by_id.body["userPrincipalName"], CUSTOMER_DEV.0);
    let filtered = emu
        .graph(Method::GET, &format!("/users?$filter=userPrincipalName%20eq%20%27{}%27", CUSTOMER_ADMIN.0), &g, None)
        .await;
    let upns: Vec<&str> =
        filtered.body["value"].as_array().unwrap().iter().filter_map(|u| u["userPrincipalName"].as_str()).collect();
    assert_eq!(upns, vec![CUSTOMER_ADMIN.0]);
    let all = emu.graph(Method::GET, "/users", &g, None).await;
    assert_eq!(all.body["value"].as_array().unwrap().len(), 2, "only the caller's tenant: {}", all.body);
    let foreign = emu.graph(Method::GET, "/users/admin@provider.example", &g, None).await;
    assert_eq!((foreign.status.as_u16(), foreign.code()), (404, "Request_ResourceNotFound"), "{}", foreign.body);
}

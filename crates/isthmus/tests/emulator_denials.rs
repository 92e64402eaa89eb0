//! Every denial the peering flow can meet, each asserting Azure's exact code and message.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

const NC: &str = "4d97b98b-1d4f-4787-a291-c67834d212e7";
const RECENTLY: &str = "If access was recently granted, please refresh your credentials.";

fn nc_id(sub: &str) -> String {
    format!("/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{NC}")
}

#[tokio::test]
async fn no_assignment_is_authorization_failed() {
    let emu = Emu::start().await;
    let dev = emu.user_token(CUSTOMER_DEV, ARM).await;
    let r = emu.arm(Method::GET, &format!("{}?{NET_API}", customer_vnet()), &dev, &[], None).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.code(), "AuthorizationFailed");
    assert_eq!(
        r.message(),
        format!(
            "The client 'dev@customer.example' with object id 'c0000000-0000-0000-0000-00000000000b' does not have authorization to perform action 'Microsoft.Network/virtualNetworks/read' over scope '{}' or the scope is invalid. {RECENTLY}",
            customer_vnet()
        )
    );
    // and no subscription is listed for a principal without any assignment
    let subs = emu.arm(Method::GET, "/subscriptions?api-version=2022-12-01", &dev, &[], None).await;
    assert_eq!(subs.body["value"], json!([]));
}

#[tokio::test]
async fn peering_without_auxiliary_token_or_remote_permission_is_linked_authorization_failed() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let (app_id, sp, secret) = emu.customer_app("linked-app").await;
    assert_eq!(emu.assign(&admin, &customer_vnet(), &nc_id(CUSTOMER_SUB), &sp).await.status, 201);
    // the provider creates the customer app's SP in its tenant but grants nothing
    let p_graph = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, &emu.graph_resource()).await;
    assert_eq!(
        emu.graph(Method::POST, "/servicePrincipals", &p_graph, Some(json!({"appId": app_id}))).await.status,
        201
    );
    let c_arm = emu.sp_token(CUSTOMER_TENANT, &app_id, &secret, ARM).await;
    let c_aux = emu.sp_token(PROVIDER_TENANT, &app_id, &secret, ARM).await;
    let local = format!("{}/virtualNetworkPeerings/p", customer_vnet());

    let no_aux = emu.put_peering(&customer_vnet(), "p", &provider_vnet(), &c_arm, &[]).await;
    assert_eq!(no_aux.status, 403);
    assert_eq!(no_aux.code(), "LinkedAuthorizationFailed");
    assert_eq!(
        no_aux.message(),
        format!("The client has permission to perform action 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write' on scope '{local}', however the current tenant '{CUSTOMER_TENANT}' is not authorized to access linked subscription '{PROVIDER_SUB}'.")
    );

    let no_peer = emu.put_peering(&customer_vnet(), "p", &provider_vnet(), &c_arm, &[&c_aux]).await;
    assert_eq!(no_peer.status, 403);
    assert_eq!(no_peer.code(), "LinkedAuthorizationFailed");
    assert_eq!(
        no_peer.message(),
        format!("The client '{app_id}' with object id '{sp}' has permission to perform action 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write' on scope '{local}'; however, it does not have permission to perform action(s) 'Microsoft.Network/virtualNetworks/peer/action' on the linked scope(s) '{}' (respectively) or the linked scope(s) are invalid.", provider_vnet())
    );
    // an auxiliary token of another application proves nothing
    let other_aux = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    let other = emu.put_peering(&customer_vnet(), "p", &provider_vnet(), &c_arm, &[&other_aux]).await;
    assert_eq!(other.code(), "LinkedAuthorizationFailed");
    // nothing was written by any of the refused attempts
    let list =
        emu.arm(Method::GET, &format!("{}/virtualNetworkPeerings?{NET_API}", customer_vnet()), &c_arm, &[], None).await;
    assert_eq!(list.body["value"], json!([]));
}

#[tokio::test]
async fn token_of_the_wrong_tenant_expired_or_tampered_is_refused() {
    let emu = Emu::start().await;
    let p_arm = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    let wrong = emu.arm(Method::GET, &format!("{}?{NET_API}", customer_vnet()), &p_arm, &[], None).await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.code(), "InvalidAuthenticationTokenTenant");
    assert!(wrong.message().starts_with(&format!(
        "The access token is from the wrong issuer 'https://sts.windows.net/{PROVIDER_TENANT}/'. It must match the tenant 'https://sts.windows.net/{CUSTOMER_TENANT}/' associated with this subscription."
    )));
    assert!(wrong.headers["www-authenticate"]
        .to_str()
        .unwrap()
        .contains(&format!("https://login.windows.net/{CUSTOMER_TENANT}")));

    let own = format!("{}?{NET_API}", provider_vnet());
    let mut parts: Vec<String> = p_arm.split('.').map(String::from).collect();
    parts[1] = parts[1].chars().rev().collect();
    let tampered = emu.arm(Method::GET, &own, &parts.join("."), &[], None).await;
    assert_eq!((tampered.status.as_u16(), tampered.code()), (401, "InvalidAuthenticationToken"));
    assert_eq!(tampered.message(), "The access token is invalid.");
    let missing = emu.send(Method::GET, &own, &[], None).await;
    assert_eq!((missing.status.as_u16(), missing.code()), (401, "AuthenticationFailed"));

    emu.advance_clock(3600.0).await;
    let expired = emu.arm(Method::GET, &own, &p_arm, &[], None).await;
    assert_eq!((expired.status.as_u16(), expired.code()), (401, "ExpiredAuthenticationToken"));
    assert!(expired.message().starts_with("The access token expiry UTC time '"), "{}", expired.message());
    // Graph refuses an ARM token: wrong audience
    let fresh = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    let g = emu.graph(Method::GET, "/applications", &fresh, None).await;
    assert_eq!(
        (g.status.as_u16(), g.code(), g.message()),
        (401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
    );
}

#[tokio::test]
async fn bad_secret_and_missing_service_principal_read_as_aad() {
    let emu = Emu::start().await;
    let bad = emu.sp_token_reply(PROVIDER_TENANT, PROVIDER_APP, "not-the-secret", ARM).await;
    assert_eq!(bad.status, 401);
    assert_eq!(bad.body["error"], "invalid_client");
    assert_eq!(bad.body["error_codes"], json!([7000215]));
    assert!(bad.body["error_description"].as_str().unwrap().starts_with(&format!(
        "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{PROVIDER_APP}'."
    )));
    let (app_id, _, secret) = emu.customer_app("no-sp-in-provider").await;
    let missing = emu.sp_token_reply(PROVIDER_TENANT, &app_id, &secret, ARM).await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.body["error"], "unauthorized_client");
    assert!(missing.body["error_description"].as_str().unwrap().starts_with(&format!(
        "AADSTS700016: Application with identifier '{app_id}' was not found in the directory 'Provider Inc'."
    )));
    let nowhere = emu.sp_token_reply("33333333-3333-3333-3333-333333333333", &app_id, &secret, ARM).await;
    assert_eq!(nowhere.body["error_codes"], json!([90002]));
}

#[tokio::test]
async fn non_admin_cannot_create_a_foreign_apps_service_principal() {
    let emu = Emu::start().await;
    let dev = emu.user_token(CUSTOMER_DEV, &emu.graph_resource()).await;
    let r = emu.graph(Method::POST, "/servicePrincipals", &dev, Some(json!({"appId": PROVIDER_APP}))).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.code(), "Authorization_RequestDenied");
    assert_eq!(r.message(), "When using this permission, the backing application of the service principal being created must in the local tenant");
    assert!(r.body["error"]["innerError"]["request-id"].is_string());
    // the administrator may, once; the second time the name is taken
    let admin = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;
    assert_eq!(
        emu.graph(Method::POST, "/servicePrincipals", &admin, Some(json!({"appId": PROVIDER_APP}))).await.status,
        201
    );
    let dup = emu.graph(Method::POST, "/servicePrincipals", &admin, Some(json!({"appId": PROVIDER_APP}))).await;
    assert_eq!(dup.message(), format!("The service principal cannot be created, updated, or restored because the service principal name {PROVIDER_APP} is already in use."));
    // a non-admin may register an app and create its SP: they own it
    let app = emu.graph(Method::POST, "/applications", &dev, Some(json!({"displayName": "devs-app"}))).await;
    assert_eq!(app.status, 201);
    let own = emu.graph(Method::POST, "/servicePrincipals", &dev, Some(json!({"appId": app.body["appId"]}))).await;
    assert_eq!(own.status, 201, "{}", own.body);
}

#[tokio::test]
async fn overlapping_and_second_peerings_are_refused() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let overlap_vnet = vnet_id(CUSTOMER_SUB, "customer-rg", "overlap-vnet");
    // same tenant, so the admin's own Owner role covers both sides
    let r = emu.put_peering(&customer_vnet(), "x", &overlap_vnet, &admin, &[]).await;
    assert_eq!(r.status, 201, "{}", r.body);
    // the provider's SP in the customer tenant gets Network Contributor on the subscription
    let g = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;
    let psp = emu.graph(Method::POST, "/servicePrincipals", &g, Some(json!({"appId": PROVIDER_APP}))).await;
    assert_eq!(
        emu.assign(
            &admin,
            &format!("/subscriptions/{CUSTOMER_SUB}"),
            &nc_id(CUSTOMER_SUB),
            psp.body["id"].as_str().unwrap()
        )
        .await
        .status,
        201
    );
    let p_arm = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    let p_aux = emu.sp_token(CUSTOMER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;

    let over = emu.put_peering(&provider_vnet(), "to-overlap", &overlap_vnet, &p_arm, &[&p_aux]).await;
    assert_eq!(over.status, 400);
    assert_eq!(over.code(), "VnetAddressSpacesOverlap");
    assert_eq!(
        over.message(),
        format!("Cannot create or update peering {}/virtualNetworkPeerings/to-overlap. Virtual networks {} and {overlap_vnet} cannot be peered because their address spaces overlap. Overlapping address prefixes: 10.2.0.0/16, 10.2.128.0/17", provider_vnet(), provider_vnet())
    );
    // customer-vnet is already peered with overlap-vnet, which overlaps the provider VNet
    let transitive = emu.put_peering(&provider_vnet(), "to-customer", &customer_vnet(), &p_arm, &[&p_aux]).await;
    assert_eq!(transitive.code(), "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet", "{}", transitive.body);
    assert!(transitive.message().contains(
        "already peered with the second virtual network. Overlapping address prefixes: 10.2.0.0/16, 10.2.128.0/17"
    ));

    let second_vnet = vnet_id(CUSTOMER_SUB, "customer-rg", "customer-vnet-2");
    assert_eq!(emu.put_peering(&provider_vnet(), "to-c2", &second_vnet, &p_arm, &[&p_aux]).await.status, 201);
    let again = emu.put_peering(&provider_vnet(), "to-c2-again", &second_vnet, &p_arm, &[&p_aux]).await;
    assert_eq!(again.status, 400);
    assert_eq!(again.code(), "AnotherPeeringAlreadyReferencesRemoteVnet");
    assert!(again.message().starts_with("Peering already references remote virtual network. Cannot add another peering referencing the same remote virtual network."));
}

#[tokio::test]
async fn custom_roles_are_unique_per_tenant_and_bound_to_assignable_scopes() {
    let emu = Emu::start().await;
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let rg = format!("/subscriptions/{CUSTOMER_SUB}/resourceGroups/customer-rg");
    let role = emu.define_role(&admin, "peer-only", &["Microsoft.Network/virtualNetworks/peer/action"], &[&rg]).await;
    assert_eq!(role.status, 201, "{}", role.body);
    let dup = emu.define_role(&admin, "Peer-Only", &["*/read"], &[&format!("/subscriptions/{CUSTOMER_SUB}")]).await;
    assert_eq!(dup.status, 409);
    assert_eq!(dup.code(), "RoleDefinitionWithSameNameExists");
    assert_eq!(
        dup.message(),
        "A custom role with the same name already exists in this directory. Use a different name."
    );
    // the same name in another tenant is fine
    let p_arm = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    assert_eq!(
        emu.define_role(&p_arm, "peer-only", &["*/read"], &[&format!("/subscriptions/{PROVIDER_SUB}")]).await.status,
        201
    );

    let role_id = role.body["id"].as_str().unwrap();
    let outside = emu
        .assign(&admin, &format!("/subscriptions/{CUSTOMER_SUB}"), role_id, "c0000000-0000-0000-0000-00000000000b")
        .await;
    assert_eq!(outside.status, 400);
    assert_eq!(outside.code(), "RoleDefinitionNotAssignableAtScope");
    assert_eq!(emu.assign(&admin, &customer_vnet(), role_id, "c0000000-0000-0000-0000-00000000000b").await.status, 201);

    let ghost = emu.assign(&admin, &customer_vnet(), role_id, "99999999-9999-9999-9999-999999999999").await;
    assert_eq!(ghost.status, 400);
    assert_eq!(ghost.code(), "PrincipalNotFound");
    assert!(ghost.message().starts_with(&format!(
        "Principal 99999999-9999-9999-9999-999999999999 does not exist in the directory {CUSTOMER_TENANT}."
    )));

    let twice = emu.assign(&admin, &customer_vnet(), role_id, "c0000000-0000-0000-0000-00000000000b").await;
    assert_eq!(twice.status, 409);
    assert_eq!(twice.code(), "RoleAssignmentExists");
    assert!(twice
        .message()
        .starts_with("The role assignment already exists. The ID of the existing role assignment is "));
}

#[tokio::test]
async fn role_assignments_take_effect_after_the_propagation_delay() {
    let emu = Emu::start().await;
    let r = emu.admin(Method::PATCH, "knobs", Some(json!({"propagationDelaySeconds": 30}))).await;
    assert_eq!(r.body["propagationDelaySeconds"], 30);
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let reader = format!("/subscriptions/{CUSTOMER_SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7");
    assert_eq!(emu.assign(&admin, &customer_vnet(), &reader, "c0000000-0000-0000-0000-00000000000b").await.status, 201);
    let dev = emu.user_token(CUSTOMER_DEV, ARM).await;
    let get = format!("{}?{NET_API}", customer_vnet());
    assert_eq!(emu.arm(Method::GET, &get, &dev, &[], None).await.code(), "AuthorizationFailed");
    emu.advance_clock(29.0).await;
    assert_eq!(emu.arm(Method::GET, &get, &dev, &[], None).await.status, 403);
    emu.advance_clock(2.0).await;
    let allowed = emu.arm(Method::GET, &get, &dev, &[], None).await;
    assert_eq!(allowed.status, 200, "{}", allowed.body);
}

#[tokio::test]
async fn throttling_answers_429_with_retry_after() {
    let emu = Emu::start().await;
    let knobs = json!({"throttling": {"enabled": true, "reads": {"capacity": 5, "refillPerSecond": 0.5}}});
    assert_eq!(emu.admin(Method::PATCH, "knobs", Some(knobs)).await.status, 200);
    let p_arm = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    let get = format!("{}?{NET_API}", provider_vnet());
    for left in (0..5).rev() {
        let r = emu.arm(Method::GET, &get, &p_arm, &[], None).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.headers["x-ms-ratelimit-remaining-subscription-reads"], left.to_string().as_str());
    }
    let throttled = emu.arm(Method::GET, &get, &p_arm, &[], None).await;
    assert_eq!(throttled.status, 429);
    assert_eq!(throttled.code(), "SubscriptionRequestsThrottled");
    assert_eq!(throttled.headers["retry-after"], "2");
    assert!(throttled
        .message()
        .starts_with(&format!("Number of 'read' requests for subscription '{PROVIDER_SUB}' actor '")));
    // writes have their own bucket; and time refills reads
    let w = emu
        .arm(
            Method::PUT,
            &format!("/subscriptions/{PROVIDER_SUB}/resourceGroups/extra-rg?api-version=2022-09-01"),
            &p_arm,
            &[],
            Some(json!({"location": "westeurope"})),
        )
        .await;
    assert_eq!(w.status, 201, "{}", w.body);
    assert_eq!(w.headers["x-ms-ratelimit-remaining-subscription-writes"], "199");
    emu.advance_clock(2.0).await;
    assert_eq!(emu.arm(Method::GET, &get, &p_arm, &[], None).await.status, 200);
}

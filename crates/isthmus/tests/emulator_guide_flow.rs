//! The Azure half of the peering guide for two tenants, over HTTPS against the running binary:
//! customer app + SP + secret, Network Contributor and the custom peer role, the provider-side SP of
//! the customer app, both peerings `Connected`, then one side deleted and the other `Disconnected`.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

/// Device-code sign-in: ask for a code, complete the HTML sign-in page as a browser would, redeem.
async fn device_code_login(emu: &Emu, user: (&str, &str), resource: &str) -> String {
    let scope = format!("{resource}/.default offline_access openid profile");
    let client = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
    let dc = emu.form("/organizations/oauth2/v2.0/devicecode", &[("client_id", client), ("scope", &scope)]).await;
    assert_eq!(dc.status, 200, "{}", dc.body);
    let device_code = dc.body["device_code"].as_str().unwrap().to_string();
    let user_code = dc.body["user_code"].as_str().unwrap().to_string();
    let uri = dc.body["verification_uri"].as_str().unwrap();
    assert!(dc.body["message"].as_str().unwrap().contains(&user_code));

    let poll = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("client_id", client),
        ("device_code", device_code.as_str()),
    ];
    let pending = emu.form("/organizations/oauth2/v2.0/token", &poll).await;
    assert_eq!(pending.status, 400);
    assert_eq!(pending.body["error"], "authorization_pending");

    let page = emu.http.get(uri).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("name=\"code\"") && page.contains("name=\"password\""), "sign-in page is a form: {page}");
    let wrong = emu.form("/devicelogin", &[("code", &user_code), ("username", user.0), ("password", "nope")]).await;
    assert_eq!(wrong.status, 400);
    let ok = emu.form("/devicelogin", &[("code", &user_code), ("username", user.0), ("password", user.1)]).await;
    assert_eq!(ok.status, 200, "{}", ok.body);

    let tokens = emu.form("/organizations/oauth2/v2.0/token", &poll).await;
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    for field in ["refresh_token", "id_token", "client_info"] {
        assert!(tokens.body[field].is_string(), "device-code reply has {field}");
    }
    // the code is single-use
    assert_eq!(emu.form("/organizations/oauth2/v2.0/token", &poll).await.status, 400);
    tokens.body["access_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn two_tenant_peering_reaches_connected_then_disconnected() {
    let emu = Emu::start().await;
    let graph = emu.graph_resource();

    // Step 1: the customer's administrator signs in and registers the multi-tenant app.
    let admin_arm = device_code_login(&emu, CUSTOMER_ADMIN, ARM).await;
    let admin_graph = emu.user_token(CUSTOMER_ADMIN, &graph).await;
    let app = emu
        .graph(Method::POST, "/applications", &admin_graph, Some(json!({"displayName": "customer-peering", "signInAudience": "AzureADMultipleOrgs", "keyCredentials": []})))
        .await;
    assert_eq!(app.status, 201, "{}", app.body);
    let app_id = app.body["appId"].as_str().unwrap().to_string();
    let app_object = app.body["id"].as_str().unwrap().to_string();
    let sp = emu
        .graph(Method::POST, "/servicePrincipals", &admin_graph, Some(json!({"appId": app_id, "accountEnabled": true})))
        .await;
    assert_eq!(sp.status, 201, "{}", sp.body);
    let customer_sp = sp.body["id"].as_str().unwrap().to_string();
    let pw = emu
        .graph(
            Method::POST,
            &format!("/applications/{app_object}/addPassword"),
            &admin_graph,
            Some(json!({"passwordCredential": {"displayName": null}})),
        )
        .await;
    assert_eq!(pw.status, 200, "{}", pw.body);
    let secret = pw.body["secretText"].as_str().unwrap().to_string();
    // the secret is shown once: reading the app back shows only its hint
    let read = emu.graph(Method::GET, &format!("/applications/{app_object}"), &admin_graph, None).await;
    assert_eq!(read.body["passwordCredentials"][0]["secretText"], serde_json::Value::Null);
    assert_eq!(read.body["passwordCredentials"][0]["hint"], secret[..3]);

    // Step 2-4: find the VNet and grant the customer app Network Contributor on it.
    let vnets = emu
        .arm(
            Method::GET,
            &format!(
                "/subscriptions/{CUSTOMER_SUB}/providers/Microsoft.Network/virtualNetworks?api-version=2025-07-01"
            ),
            &admin_arm,
            &[],
            None,
        )
        .await;
    assert_eq!(vnets.status, 200);
    let vnet = vnets.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "customer-vnet")
        .expect("customer-vnet listed");
    assert_eq!(vnet["id"], customer_vnet());
    let roles = emu
        .arm(Method::GET, &format!("/subscriptions/{CUSTOMER_SUB}/providers/Microsoft.Authorization/roleDefinitions?{ROLE_DEF_API}&$filter=roleName%20eq%20%27Network%20Contributor%27"), &admin_arm, &[], None)
        .await;
    let nc = roles.body["value"].as_array().unwrap();
    assert_eq!(nc.len(), 1, "{}", roles.body);
    let nc_id = nc[0]["id"].as_str().unwrap().to_string();
    assert_eq!(nc_id, format!("/subscriptions/{CUSTOMER_SUB}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7"));
    let ra = emu.assign(&admin_arm, &customer_vnet(), &nc_id, &customer_sp).await;
    assert_eq!(ra.status, 201, "{}", ra.body);
    assert_eq!(ra.body["properties"]["principalType"], "ServicePrincipal");

    // Step 5-8: SP of the provider app in the customer tenant, custom peer role, assignment.
    let getbyids = emu
        .graph(
            Method::POST,
            "/directoryObjects/getByIds",
            &admin_graph,
            Some(json!({"ids": [customer_sp], "types": ["user", "group", "servicePrincipal"]})),
        )
        .await;
    assert_eq!(getbyids.body["value"][0]["@odata.type"], "#microsoft.graph.servicePrincipal");
    let psp = emu.graph(Method::POST, "/servicePrincipals", &admin_graph, Some(json!({"appId": PROVIDER_APP}))).await;
    assert_eq!(psp.status, 201, "{}", psp.body);
    let provider_sp_in_customer = psp.body["id"].as_str().unwrap().to_string();
    let role = emu
        .define_role(
            &admin_arm,
            "provider-peering-role",
            &["Microsoft.Network/virtualNetworks/peer/action"],
            &[&format!("/subscriptions/{CUSTOMER_SUB}")],
        )
        .await;
    assert_eq!(role.status, 201, "{}", role.body);
    assert_eq!(role.body["properties"]["type"], "CustomRole");
    let peer_role = role.body["id"].as_str().unwrap().to_string();
    assert_eq!(emu.assign(&admin_arm, &customer_vnet(), &peer_role, &provider_sp_in_customer).await.status, 201);

    // The customer app has no SP in the provider tenant yet: AAD refuses the login.
    let early = emu.sp_token_reply(PROVIDER_TENANT, &app_id, &secret, ARM).await;
    assert_eq!(early.body["error_codes"][0], 700016);

    // Provider side (the control plane's job): SP of the customer app in the provider tenant, the
    // peer role on the provider VNet, then the provider peering with an auxiliary token.
    let p_graph = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, &graph).await;
    let p_arm = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    let p_aux = emu.sp_token(CUSTOMER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    let csp = emu.graph(Method::POST, "/servicePrincipals", &p_graph, Some(json!({"appId": app_id}))).await;
    assert_eq!(csp.status, 201, "{}", csp.body);
    let customer_sp_in_provider = csp.body["id"].as_str().unwrap().to_string();
    let prole = emu
        .define_role(
            &p_arm,
            "customer-peer-role",
            &["Microsoft.Network/virtualNetworks/peer/action"],
            &[&format!("/subscriptions/{PROVIDER_SUB}")],
        )
        .await;
    assert_eq!(prole.status, 201, "{}", prole.body);
    let ra = emu.assign(&p_arm, &provider_vnet(), prole.body["id"].as_str().unwrap(), &customer_sp_in_provider).await;
    assert_eq!(ra.status, 201, "{}", ra.body);
    let provider_side = emu.put_peering(&provider_vnet(), "to-customer", &customer_vnet(), &p_arm, &[&p_aux]).await;
    assert_eq!(provider_side.status, 201, "{}", provider_side.body);
    assert!(provider_side.headers.contains_key("azure-asyncoperation"));
    assert_eq!(provider_side.headers["retry-after"], "0");
    let op = provider_side.headers["azure-asyncoperation"].to_str().unwrap().to_string();
    let status = emu.arm(Method::GET, &op, &p_arm, &[&p_aux], None).await;
    assert_eq!(status.body["status"], "Succeeded");
    assert_eq!(emu.peering_state(&provider_vnet(), "to-customer", &p_arm).await, "Initiated");

    // Customer: log the app in to both tenants; the provider subscription is now listed in its
    // provider-tenant login, which is what lets az pick the auxiliary tenant.
    let c_arm = emu.sp_token(CUSTOMER_TENANT, &app_id, &secret, ARM).await;
    let c_aux = emu.sp_token(PROVIDER_TENANT, &app_id, &secret, ARM).await;
    let subs = emu.arm(Method::GET, "/subscriptions?api-version=2022-12-01", &c_aux, &[], None).await;
    let listed: Vec<_> = subs.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["subscriptionId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, vec![PROVIDER_SUB.to_string()]);

    let customer_side = emu.put_peering(&customer_vnet(), "to-provider", &provider_vnet(), &c_arm, &[&c_aux]).await;
    assert_eq!(customer_side.status, 201, "{}", customer_side.body);
    assert_eq!(emu.peering_state(&customer_vnet(), "to-provider", &c_arm).await, "Connected");
    assert_eq!(emu.peering_state(&provider_vnet(), "to-customer", &p_arm).await, "Connected");
    let full = emu
        .arm(
            Method::GET,
            &format!("{}/virtualNetworkPeerings/to-provider?{NET_API}", customer_vnet()),
            &c_arm,
            &[],
            None,
        )
        .await;
    assert_eq!(full.body["properties"]["remoteAddressSpace"]["addressPrefixes"], json!(["10.2.0.0/16"]));
    assert_eq!(full.body["properties"]["peeringSyncLevel"], "FullyInSync");
    assert_eq!(full.body["properties"]["allowVirtualNetworkAccess"], true);

    // PUT again is an update (200), not a second peering.
    let again = emu.put_peering(&customer_vnet(), "to-provider", &provider_vnet(), &c_arm, &[&c_aux]).await;
    assert_eq!(again.status, 200, "{}", again.body);

    // The customer deletes their side: the provider side is Disconnected, and re-creating the
    // customer side is refused until the provider side is re-created.
    let del = emu
        .arm(
            Method::DELETE,
            &format!("{}/virtualNetworkPeerings/to-provider?{NET_API}", customer_vnet()),
            &c_arm,
            &[],
            None,
        )
        .await;
    assert_eq!(del.status, 202);
    assert_eq!(emu.peering_state(&provider_vnet(), "to-customer", &p_arm).await, "Disconnected");
    let refused = emu.put_peering(&customer_vnet(), "to-provider", &provider_vnet(), &c_arm, &[&c_aux]).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.code(), "RemotePeeringIsDisconnected");
    let recreated = emu.put_peering(&provider_vnet(), "to-customer", &customer_vnet(), &p_arm, &[&p_aux]).await;
    assert_eq!(recreated.status, 200, "{}", recreated.body);
    assert_eq!(emu.peering_state(&provider_vnet(), "to-customer", &p_arm).await, "Initiated");
    assert_eq!(emu.put_peering(&customer_vnet(), "to-provider", &provider_vnet(), &c_arm, &[&c_aux]).await.status, 201);
    assert_eq!(emu.peering_state(&provider_vnet(), "to-customer", &p_arm).await, "Connected");
}

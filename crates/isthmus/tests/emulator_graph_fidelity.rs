//! Graph as clients such as msgraph-sdk and Terraform rely on it: Microsoft's own service principals
//! in every tenant, tenant lookup by id or domain, and application and service-principal properties
//! the emulator stores without modelling, returned as sent and kept within their tenant.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

const MICROSOFT_GRAPH: &str = "00000003-0000-0000-c000-000000000000";
const SERVICE_MANAGEMENT: &str = "797f4846-ba00-4fd7-ba43-dac1f8f63013";
const MICROSOFT_TENANT: &str = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

#[tokio::test]
async fn microsoft_service_principals_are_in_every_tenant_and_stay() {
    let emu = Emu::start().await;
    let customer = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;
    let provider = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, &emu.graph_resource()).await;
    let mut ids = vec![];
    for token in [&customer, &provider] {
        for (app_id, name) in
            [(MICROSOFT_GRAPH, "Microsoft Graph"), (SERVICE_MANAGEMENT, "Windows Azure Service Management API")]
        {
            let path = format!("/servicePrincipals?$filter=appId%20eq%20'{app_id}'");
            let r = emu.graph(Method::GET, &path, token, None).await;
            assert_eq!(r.status, 200, "{}", r.body);
            let [sp] = r.body["value"].as_array().unwrap().as_slice() else { panic!("one SP: {}", r.body) };
            assert_eq!(
                (sp["displayName"].as_str(), sp["appOwnerOrganizationId"].as_str()),
                (Some(name), Some(MICROSOFT_TENANT))
            );
            let id = sp["id"].as_str().unwrap().to_string();
            let by_id = emu.graph(Method::GET, &format!("/servicePrincipals/{id}"), token, None).await;
            assert_eq!(by_id.body["appId"], app_id);
            ids.push(id);
        }
    }
    assert_eq!(ids.iter().collect::<std::collections::HashSet<_>>().len(), 4, "each tenant has its own objects");
    // Another tenant's object id finds nothing.
    let foreign = emu.graph(Method::GET, &format!("/servicePrincipals/{}", ids[2]), &customer, None).await;
    assert_eq!(foreign.status, 404);
    let del = emu.graph(Method::DELETE, &format!("/servicePrincipals/{}", ids[0]), &customer, None).await;
    assert_eq!((del.status.as_u16(), del.code()), (400, "Request_BadRequest"), "{}", del.body);
    assert_eq!(del.message(), "Specified App Principal ID is Microsoft Internal.");
    let again = emu.graph(Method::POST, "/servicePrincipals", &customer, Some(json!({"appId": MICROSOFT_GRAPH}))).await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(emu.graph(Method::GET, &format!("/servicePrincipals/{}", ids[0]), &customer, None).await.status, 200);

    // They are directory objects like any other: found by id, and roles can be assigned to them.
    let found =
        emu.graph(Method::POST, "/directoryObjects/getByIds", &customer, Some(json!({"ids": [ids[0], ids[2]]}))).await;
    let found: Vec<_> = found.body["value"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(found, [ids[0].as_str()], "only the caller's tenant's objects");
    let arm = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    let made = emu.assign(&arm, &customer_vnet(), reader, &ids[0]).await;
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(made.body["properties"]["principalType"], "ServicePrincipal");
    let foreign = emu.assign(&arm, &customer_vnet(), reader, &ids[2]).await;
    assert_eq!((foreign.status.as_u16(), foreign.code()), (400, "PrincipalNotFound"), "{}", foreign.body);
}

#[tokio::test]
async fn tenant_information_is_found_by_id_or_domain() {
    let emu = Emu::start().await;
    let token = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;
    let by_id = format!("/tenantRelationships/findTenantInformationByTenantId(tenantId='{PROVIDER_TENANT}')");
    let r = emu.graph(Method::GET, &by_id, &token, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["tenantId"], PROVIDER_TENANT);
    assert!(r.body["@odata.context"].as_str().unwrap().ends_with("#microsoft.graph.tenantInformation"));
    let domain = r.body["defaultDomainName"].as_str().unwrap().to_string();
    assert!(r.body["displayName"].is_string() && r.body.get("federationBrandName").is_some());
    let by_domain = format!("/tenantRelationships/findTenantInformationByDomainName(domainName='{domain}')");
    assert_eq!(emu.graph(Method::GET, &by_domain, &token, None).await.body["tenantId"], PROVIDER_TENANT);
    let missing =
        "/tenantRelationships/findTenantInformationByTenantId(tenantId='99999999-0000-4000-8000-000000000009')";
    let r = emu.graph(Method::GET, missing, &token, None).await;
    assert_eq!((r.status.as_u16(), r.code()), (404, "Directory_ObjectNotFound"), "{}", r.body);
    assert_eq!(r.message(), "Unable to read the company information from the directory.");
}

#[tokio::test]
async fn unmodelled_application_properties_are_kept_and_patched_as_graph_does() {
    let emu = Emu::start().await;
    let token = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;
    let web = json!({"redirectUris": ["https://a.example/cb"], "homePageUrl": "https://a.example/"});
    let body = json!({"displayName": "kept", "web": web, "tags": ["t1"], "notes": "n",
                      "requiredResourceAccess": [{"resourceAppId": MICROSOFT_GRAPH,
                          "resourceAccess": [{"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "type": "Scope"}]}]});
    let made = emu.graph(Method::POST, "/applications", &token, Some(body)).await;
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!((&made.body["web"], &made.body["tags"]), (&web, &json!(["t1"])));
    let path = format!("/applications/{}", made.body["id"].as_str().unwrap());
    let patch = json!({"web": {"redirectUris": []}, "spa": {"redirectUris": ["https://spa.example/"]}});
    assert_eq!(emu.graph(Method::PATCH, &path, &token, Some(patch)).await.status, 204);
    let got = emu.graph(Method::GET, &path, &token, None).await.body;
    assert_eq!(got["web"], json!({"redirectUris": []}), "a property given replaces the stored one whole");
    assert_eq!((&got["spa"]["redirectUris"][0], &got["notes"]), (&json!("https://spa.example/"), &json!("n")));
    assert_eq!(got["requiredResourceAccess"][0]["resourceAppId"], MICROSOFT_GRAPH);
    assert_eq!(got["displayName"], "kept");
    // The provider tenant cannot read it, not even through a list.
    let other = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, &emu.graph_resource()).await;
    assert_eq!(emu.graph(Method::GET, &path, &other, None).await.status, 404);
    let listed = emu.graph(Method::GET, "/applications", &other, None).await.body;
    assert!(!listed.to_string().contains("spa.example"), "{listed}");
}

#[tokio::test]
async fn what_graph_refuses_in_a_body_is_refused() {
    let emu = Emu::start().await;
    let token = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;
    let post = |body| emu.graph(Method::POST, "/applications", &token, Some(body));
    let r = post(json!({"displayName": "x", "colour": "red"})).await;
    assert_eq!((r.status.as_u16(), r.code()), (400, "BadRequest"), "{}", r.body);
    assert!(r.message().starts_with("The property 'colour' does not exist on type 'microsoft.graph.application'."));
    let r = post(json!({"displayName": "x", "passwordCredentials": [{"secretText": "s"}]})).await;
    assert_eq!(r.message(), "New password credentials must be generated using service actions.");
    let r = post(json!({"displayName": "x", "notes": "n".repeat(40 * 1024)})).await;
    assert_eq!((r.status.as_u16(), r.code()), (400, "Request_BadRequest"), "{}", r.body);
    let r =
        post(json!({"displayName": "x", "keyCredentials": [], "@odata.type": "#microsoft.graph.application"})).await;
    assert_eq!(r.status, 201, "an empty credential list and an annotation are accepted: {}", r.body);
    let listed = emu.graph(Method::GET, "/applications?$filter=displayName%20eq%20'x'", &token, None).await;
    assert_eq!(listed.body["value"].as_array().unwrap().len(), 1, "only the accepted create made an app");
}

#[tokio::test]
async fn service_principal_properties_are_kept_and_patched() {
    let emu = Emu::start().await;
    let (app_id, sp_id, _) = emu.customer_app("sp-props").await;
    let token = emu.user_token(CUSTOMER_ADMIN, &emu.graph_resource()).await;
    let path = format!("/servicePrincipals/{sp_id}");
    let patch = json!({"tags": ["WindowsAzureActiveDirectoryIntegratedApp"], "notes": "sp"});
    assert_eq!(emu.graph(Method::PATCH, &path, &token, Some(patch)).await.status, 204);
    let got = emu.graph(Method::GET, &path, &token, None).await.body;
    assert_eq!(
        (&got["tags"][0], &got["notes"], &got["appId"]),
        (&json!("WindowsAzureActiveDirectoryIntegratedApp"), &json!("sp"), &json!(app_id))
    );
    let bad = emu.graph(Method::PATCH, &path, &token, Some(json!({"appId": MICROSOFT_GRAPH}))).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
}

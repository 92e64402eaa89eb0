//! Discovery and metadata documents, as `az`/MSAL read them, and auxiliary-token validation.

mod common;

use common::*;
use reqwest::Method;
use serde_json::Value;

#[tokio::test]
async fn discovery_documents_point_back_at_the_same_origin() {
    let emu = Emu::start().await;
    // `az cloud register` asks for `//metadata/endpoints`; the cloud list must keep our port.
    let clouds = emu.send(Method::GET, "//metadata/endpoints?api-version=2022-09-01", &[], None).await;
    assert_eq!(clouds.status, 200);
    let cloud = &clouds.body[0];
    assert_ne!(cloud["name"], "AzureCloud", "az would overwrite the login endpoint of a cloud named AzureCloud");
    assert_eq!(cloud["resourceManager"], format!("{}/", emu.url));
    assert_eq!(cloud["authentication"]["loginEndpoint"], format!("{}/", emu.url));
    assert_eq!(cloud["microsoftGraphResourceId"], format!("{}/graph/", emu.url));
    assert!(cloud["suffixes"].is_object());

    let oidc =
        emu.send(Method::GET, &format!("/{CUSTOMER_TENANT}/v2.0/.well-known/openid-configuration"), &[], None).await;
    for key in ["token_endpoint", "authorization_endpoint", "device_authorization_endpoint", "jwks_uri"] {
        assert!(oidc.body[key].as_str().unwrap().starts_with(&emu.url), "{key} carries the port");
    }
    assert_eq!(oidc.body["token_endpoint"], format!("{}/{CUSTOMER_TENANT}/oauth2/v2.0/token", emu.url));
    let unknown = emu
        .send(Method::GET, "/33333333-3333-3333-3333-333333333333/v2.0/.well-known/openid-configuration", &[], None)
        .await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.body["error_codes"][0], 90002);

    let jwks = emu.send(Method::GET, oidc.body["jwks_uri"].as_str().unwrap(), &[], None).await;
    let key = &jwks.body["keys"][0];
    assert_eq!((key["kty"].as_str(), key["use"].as_str()), (Some("RSA"), Some("sig")));
    // tokens name that key
    let token = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    let header: Value = serde_json::from_slice(&b64(token.split('.').next().unwrap())).unwrap();
    assert_eq!(header["kid"], key["kid"]);
    assert_eq!(header["alg"], "RS256");
    let claims: Value = serde_json::from_slice(&b64(token.split('.').nth(1).unwrap())).unwrap();
    assert_eq!(claims["tid"], PROVIDER_TENANT);
    assert_eq!(claims["appid"], PROVIDER_APP);
    assert_eq!(claims["aud"], ARM);
    assert_eq!(claims["iss"], format!("https://sts.windows.net/{PROVIDER_TENANT}/"));
    assert_eq!(claims["idtyp"], "app");

    let realm = emu.send(Method::GET, "/common/userrealm/admin@customer.example?api-version=1.0", &[], None).await;
    assert_eq!(realm.body["account_type"], "Managed");
    let tenants = emu
        .arm(Method::GET, "/tenants?api-version=2022-12-01", &emu.user_token(CUSTOMER_ADMIN, ARM).await, &[], None)
        .await;
    assert_eq!(tenants.body["value"][0]["tenantId"], CUSTOMER_TENANT);
    assert_eq!(tenants.body["value"][0]["defaultDomain"], "customer.example");
}

fn b64(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).expect("base64url JWT segment")
}

#[tokio::test]
async fn auxiliary_tokens_must_all_be_valid_and_at_most_three() {
    let emu = Emu::start().await;
    let peering = format!("{}/virtualNetworkPeerings/p", customer_vnet());
    let body = serde_json::json!({"properties": {"remoteVirtualNetwork": {"id": provider_vnet()}}});
    let put = |admin: String, aux: String| {
        let (emu, body, peering) = (&emu, body.clone(), peering.clone());
        async move {
            let h = vec![("authorization", format!("Bearer {admin}")), ("x-ms-authorization-auxiliary", aux)];
            emu.send(Method::PUT, &format!("{peering}?{NET_API}"), &h, Some(body)).await
        }
    };
    let admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let garbage = put(admin.clone(), "Bearer not.a.token".into()).await;
    assert_eq!((garbage.status.as_u16(), garbage.code()), (401, "InvalidAuthenticationToken"));
    let p = emu.sp_token(PROVIDER_TENANT, PROVIDER_APP, PROVIDER_SECRET, ARM).await;
    let four = put(admin.clone(), vec![format!("Bearer {p}"); 4].join(", ")).await;
    assert_eq!(four.status, 401);
    assert!(four.message().contains("At most 3"), "{}", four.message());
    emu.advance_clock(4000.0).await;
    let fresh_admin = emu.user_token(CUSTOMER_ADMIN, ARM).await;
    let expired = put(fresh_admin, format!("Bearer {p}")).await;
    assert_eq!((expired.status.as_u16(), expired.code()), (401, "InvalidAuthenticationToken"), "{}", expired.body);
    assert!(expired.message().contains(&format!("from tenant '{PROVIDER_TENANT}'")), "{}", expired.message());
}

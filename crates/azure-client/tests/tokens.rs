//! Entra ID tokens against the emulator: caching, and AAD errors kept with their AADSTS number.

mod common;

use azure_client::{
    AzureError, ClientSecretCredential, GraphClient, TokenCredential, AADSTS_APP_NOT_IN_TENANT, AADSTS_INVALID_SECRET,
};
use common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_cached_token_is_served_without_asking_entra_id() {
    let env = start().await;
    let cred = env.provider();
    let first = cred.token(PROVIDER_TENANT, &env.endpoints.arm_scope).await.unwrap();

    // Remove every password of the app: from now on a token request with the old secret fails.
    let graph = GraphClient::new(&env.endpoints, cred.clone()).unwrap();
    let app = graph.get_application(PROVIDER_TENANT, PROVIDER_APP).await.unwrap().expect("provider app");
    assert!(!app.password_credentials.is_empty());
    let graph_token = cred.token(PROVIDER_TENANT, &env.endpoints.graph_scope).await.unwrap();
    for p in &app.password_credentials {
        let path = format!("v1.0/applications/{}/removePassword", app.id);
        let status =
            env.graph_raw(graph_token.secret().expose(), Method::POST, &path, json!({"keyId": p.key_id})).await;
        assert_eq!(status, 204);
    }

    let second = cred.token(PROVIDER_TENANT, &env.endpoints.arm_scope).await.expect("served from the cache");
    assert_eq!(first.secret(), second.secret());
    let fresh = ClientSecretCredential::new(&env.endpoints, PROVIDER_APP, PROVIDER_SECRET).unwrap();
    let err = fresh.token(PROVIDER_TENANT, &env.endpoints.arm_scope).await.unwrap_err();
    assert_eq!(err.aadsts(), Some(AADSTS_INVALID_SECRET), "{err}");
}

#[tokio::test]
async fn a_bad_secret_is_aadsts_7000215() {
    let env = start().await;
    let cred = ClientSecretCredential::new(&env.endpoints, PROVIDER_APP, "not-the-secret").unwrap();
    let err = cred.token(PROVIDER_TENANT, &env.endpoints.arm_scope).await.unwrap_err();
    match &err {
        AzureError::Aad { status, error, aadsts, description } => {
            assert_eq!((*status, error.as_str(), *aadsts), (401, "invalid_client", Some(AADSTS_INVALID_SECRET)));
            assert!(description.starts_with("AADSTS7000215"), "{description}");
        }
        other => panic!("expected an AAD error, got {other:?}"),
    }
    assert!(!err.retryable() && !err.is_propagation());
    assert_eq!(err.code(), "azure_aad");
}

#[tokio::test]
async fn no_service_principal_in_the_tenant_is_aadsts_700016() {
    let env = start().await;
    let err = env.provider().token(CUSTOMER_TENANT, &env.endpoints.arm_scope).await.unwrap_err();
    assert_eq!(err.aadsts(), Some(AADSTS_APP_NOT_IN_TENANT), "{err}");
    assert!(err.is_propagation() && !err.retryable());
}

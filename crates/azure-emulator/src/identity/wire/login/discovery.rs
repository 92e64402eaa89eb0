//! Discovery documents: OpenID configuration, JWKS, the user realm, and ARM's cloud metadata that
//! `ARM_CLOUD_METADATA_URL` points `az` at.

use crate::wire::envelope::{ApiResult, WithFlavor};
use crate::wire::{origin, query_map, App};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::Json;
use serde_json::{json, Value};

/// `organizations`, `common` and `consumers` are AAD's multi-tenant authorities.
pub fn is_multi_tenant_authority(segment: &str) -> bool {
    matches!(segment.to_ascii_lowercase().as_str(), "organizations" | "common" | "consumers")
}

/// One name per authority whatever way the URL spelled it: the tenant id, or the multi-tenant
/// authority's name in lower case. Quotas count per key and codes redeem only at their key.
pub fn authority_key(segment: &str, tenant: Option<uuid::Uuid>) -> String {
    tenant.map(|t| t.to_string()).unwrap_or_else(|| segment.to_ascii_lowercase())
}

pub async fn openid_configuration(
    State(app): State<App>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> ApiResult<Json<Value>> {
    let base = origin(&headers, &uri);
    let issuer_tenant = if is_multi_tenant_authority(&tenant) {
        "{tenantid}".to_string()
    } else {
        app.store.read().resolve_tenant(&tenant).aad()?.id.to_string()
    };
    Ok(Json(json!({
        "token_endpoint": format!("{base}/{tenant}/oauth2/v2.0/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": format!("{base}/{tenant}/discovery/v2.0/keys"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": format!("{base}/{issuer_tenant}/v2.0"),
        "request_uri_parameter_supported": false,
        "authorization_endpoint": format!("{base}/{tenant}/oauth2/v2.0/authorize"),
        "device_authorization_endpoint": format!("{base}/{tenant}/oauth2/v2.0/devicecode"),
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "end_session_endpoint": format!("{base}/{tenant}/oauth2/v2.0/logout"),
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "preferred_username", "name", "tid", "ver", "oid"],
        "tenant_region_scope": "EU",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
    })))
}

pub async fn jwks(State(app): State<App>) -> Json<Value> {
    Json(app.signer.jwks())
}

pub async fn user_realm(State(app): State<App>, Path(upn): Path<String>) -> Json<Value> {
    let domain = upn.rsplit_once('@').map(|(_, d)| d.to_string()).unwrap_or_default();
    let known = app.store.read().user_by_upn(&upn).is_some();
    Json(json!({
        "ver": "1.0",
        "account_type": if known { "Managed" } else { "Unknown" },
        "domain_name": domain,
        "cloud_instance_name": "microsoftonline.com",
        "cloud_audience_urn": "urn:federation:MicrosoftOnline",
    }))
}

/// One cloud named after the emulator, every endpoint on this origin (Graph under `/graph/`). Not
/// named `AzureCloud`: `az` would overwrite its login endpoint. The list form serves
/// `ARM_CLOUD_METADATA_URL`; `api-version=2015-01-01` gets the single-object form.
pub async fn cloud_metadata(headers: HeaderMap, uri: Uri) -> Json<Value> {
    let base = origin(&headers, &uri);
    let cloud = json!({
        "name": "IsthmusEmulator",
        "portal": format!("{base}/portal"),
        "resourceManager": format!("{base}/"),
        "authentication": {
            "loginEndpoint": format!("{base}/"),
            "audiences": ["https://management.core.windows.net/", format!("{base}/")],
            "tenant": "common",
            "identityProvider": "AAD"
        },
        "microsoftGraphResourceId": format!("{base}/graph/"),
        "graph": format!("{base}/graph/"),
        "graphAudience": format!("{base}/graph/"),
        "gallery": format!("{base}/gallery/"),
        "sqlManagement": format!("{base}/sql/"),
        "batch": format!("{base}/batch/"),
        "media": format!("{base}/media/"),
        "activeDirectoryDataLake": format!("{base}/datalake/"),
        "vmImageAliasDoc": format!("{base}/aliases.json"),
        "suffixes": {
            "storage": "core.isthmus.local",
            "keyVaultDns": "vault.isthmus.local",
            "sqlServerHostname": "database.isthmus.local",
            "acrLoginServer": "azurecr.isthmus.local"
        }
    });
    let single = query_map(&uri).get("api-version").is_some_and(|v| v == "2015-01-01");
    Json(if single { cloud } else { json!([cloud]) })
}

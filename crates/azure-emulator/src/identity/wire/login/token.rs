//! `POST /{tenant}/oauth2/v2.0/token`: client credentials, password, refresh token, device code and
//! authorization code.

use super::discovery::{authority_key, is_multi_tenant_authority};
use super::issue;
use crate::error::EmulatorError;
use crate::identity::auth_codes::Redemption;
use crate::identity::directory;
use crate::model::{names, Principal, State as World};
use crate::wire::audiences::Audiences;
use crate::wire::body;
use crate::wire::envelope::{ApiError, ApiResult, Flavor, WithFlavor};
use crate::wire::{origin, App};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::Json;
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "offline_access", "email"];

pub async fn token(
    State(app): State<App>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    body: Body,
) -> ApiResult<Json<Value>> {
    let form = body::form(&body::read(body, Flavor::Aad).await?);
    let base = origin(&headers, &uri);
    let now = app.clock.now();
    let world = app.store.read();
    let field = |name: &str| -> ApiResult<String> {
        form.get(name)
            .filter(|v| !v.is_empty())
            .cloned()
            .ok_or_else(|| ApiError::aad(EmulatorError::AadMissingParameter(name.into())))
    };
    let grant = field("grant_type")?;
    // A specific tenant must exist; the multi-tenant authorities resolve to the user's home tenant.
    let tenant_id =
        if is_multi_tenant_authority(&tenant) { None } else { Some(world.resolve_tenant(&tenant).aad()?.id) };
    match grant.as_str() {
        "client_credentials" => {
            let tenant_id = tenant_id.ok_or_else(|| {
                ApiError::aad(EmulatorError::AadInvalidGrant(
                    "tenant (client credentials need a specific tenant)".into(),
                ))
            })?;
            let audience = audience_of(&field("scope")?, &app.audiences).aad()?;
            let p = world.authenticate_client(tenant_id, &field("client_id")?, &field("client_secret")?, now).aad()?;
            Ok(Json(issue::app_response(&app, &p, &audience, now)))
        }
        "password" => {
            let scope = form.get("scope").cloned().unwrap_or_default();
            let audience = audience_of(&scope, &app.audiences).aad()?;
            let user = app.passwords.sign_in(&world, &field("username")?, &field("password")?, now).await.aad()?;
            let p = user_in_tenant(&world, user.id, tenant_id, client_id(&form)?)?;
            Ok(Json(issue::user_response(&app, &p, &scope, &audience, &base, None, now)))
        }
        "refresh_token" => {
            let claims = app
                .signer
                .verify(&field("refresh_token")?)
                .ok()
                .filter(|c| c.token_use.as_deref() == Some("refresh") && c.exp > now.timestamp())
                .ok_or_else(|| ApiError::aad(EmulatorError::AadInvalidGrant("refresh_token".into())))?;
            let scope = form.get("scope").cloned().or(claims.scp).unwrap_or_default();
            let audience = audience_of(&scope, &app.audiences).aad()?;
            let user = Uuid::parse_str(&claims.oid)
                .ok()
                .and_then(|id| world.user(id))
                .ok_or_else(|| ApiError::aad(EmulatorError::AadInvalidGrant("refresh_token".into())))?;
            let p = user_in_tenant(&world, user.id, tenant_id, client_id(&form)?)?;
            Ok(Json(issue::user_response(&app, &p, &scope, &audience, &base, None, now)))
        }
        "authorization_code" => {
            let presented = Redemption {
                client_id: client_id(&form)?,
                redirect_uri: &field("redirect_uri")?,
                verifier: form.get("code_verifier").map(String::as_str),
                authority: &authority_key(&tenant, tenant_id),
            };
            let granted = app.auth_codes.redeem(&field("code")?, &presented, now).aad()?;
            let scope = form.get("scope").filter(|s| !s.is_empty()).cloned().unwrap_or(granted.scope);
            let audience = audience_of(&scope, &app.audiences).aad()?;
            let p = user_in_tenant(&world, granted.user_id, tenant_id, granted.client_id)?;
            Ok(Json(issue::user_response(&app, &p, &scope, &audience, &base, granted.nonce.as_deref(), now)))
        }
        "urn:ietf:params:oauth:grant-type:device_code" | "device_code" => {
            let code = form.get("device_code").or_else(|| form.get("code")).cloned().unwrap_or_default();
            let approved = app.device_codes.redeem(&code, now).aad()?;
            let audience = audience_of(&approved.scope, &app.audiences).aad()?;
            let p = user_in_tenant(&world, approved.user_id, tenant_id, approved.client_id)?;
            Ok(Json(issue::user_response(&app, &p, &approved.scope, &audience, &base, None, now)))
        }
        other => Err(ApiError::aad(EmulatorError::AadUnsupportedGrant(other.to_string()))),
    }
}

fn client_id(form: &HashMap<String, String>) -> ApiResult<Uuid> {
    let raw =
        form.get("client_id").ok_or_else(|| ApiError::aad(EmulatorError::AadMissingParameter("client_id".into())))?;
    Uuid::parse_str(raw).map_err(|_| ApiError::aad(EmulatorError::AadInvalidGrant("client_id".into())))
}

/// The principal of a user's token, from their own tenant's authority or a multi-tenant one.
fn user_in_tenant(world: &World, user_id: Uuid, tenant: Option<Uuid>, client: Uuid) -> ApiResult<Principal> {
    let user = world.user(user_id).ok_or_else(|| ApiError::aad(EmulatorError::AadInvalidGrant("user".into())))?;
    directory::user_signs_in_at(user, tenant).aad()?;
    Ok(world.user_principal(user, client))
}

/// The token audience a scope asks for: the resource before `/.default` (which keeps a trailing `/`
/// when the client wrote `…//.default`), limited to the ARM and Graph audiences this emulator serves.
pub fn audience_of(scope: &str, audiences: &Audiences) -> crate::Result<String> {
    if scope.len() > super::device::MAX_SCOPE_LENGTH {
        return Err(EmulatorError::AadInvalidScope(names::printable(scope)));
    }
    let resource_scope = scope.split_whitespace().find(|s| !OIDC_SCOPES.contains(s));
    let Some(s) = resource_scope else {
        return Ok("https://graph.microsoft.com".into());
    };
    let resource = match s.strip_suffix("/.default") {
        Some(r) => r.to_string(),
        None => s.rsplit_once('/').map(|(r, _)| r.to_string()).unwrap_or_else(|| s.to_string()),
    };
    if audiences.is_arm(&resource) || audiences.is_graph(&resource) {
        Ok(resource)
    } else {
        Err(EmulatorError::AadResourceNotFound(names::printable(&resource)))
    }
}

#[cfg(test)]
mod tests {
    use super::audience_of;
    use crate::wire::audiences::Audiences;

    #[test]
    fn audience_keeps_the_double_slash_resource() {
        let o = &Audiences::for_origins(&["https://127.0.0.1:8443".into()]);
        assert_eq!(
            audience_of("https://management.core.windows.net//.default", o).unwrap(),
            "https://management.core.windows.net/"
        );
        assert_eq!(
            audience_of("https://127.0.0.1:8443/graph//.default offline_access openid profile", o).unwrap(),
            "https://127.0.0.1:8443/graph/"
        );
        assert!(audience_of("https://vault.azure.net/.default", o).is_err());
        assert!(audience_of("https://evil.example/.default", o).is_err());
    }
}

//! Minting the token responses of every grant.

use crate::identity::secrets;
use crate::model::{Principal, PrincipalKind};
use crate::tokens::{issuer, Claims};
use crate::wire::AppState;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

/// Refresh tokens live 90 days, as Entra ID's do.
const REFRESH_LIFETIME_DAYS: i64 = 90;

pub fn access_token(app: &AppState, p: &Principal, audience: &str, now: DateTime<Utc>, lifetime: i64) -> String {
    let user = p.kind == PrincipalKind::User;
    app.signer.sign(&Claims {
        aud: audience.to_string(),
        iss: issuer(&p.tenant_id.to_string()),
        iat: now.timestamp(),
        nbf: now.timestamp(),
        exp: now.timestamp() + lifetime,
        tid: p.tenant_id.to_string(),
        oid: p.object_id.to_string(),
        sub: p.object_id.to_string(),
        appid: p.app_id.to_string(),
        idtyp: if user { "user" } else { "app" }.into(),
        upn: user.then(|| p.display.clone()),
        preferred_username: None,
        nonce: None,
        ver: "1.0".into(),
        token_use: None,
        scp: None,
    })
}

/// `{"token_type","expires_in","access_token"}` for an application.
pub fn app_response(app: &AppState, p: &Principal, audience: &str, now: DateTime<Utc>) -> Value {
    let lifetime = app.store.read().knobs.token_lifetime_seconds as i64;
    json!({
        "token_type": "Bearer",
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": access_token(app, p, audience, now, lifetime),
    })
}

/// A user's tokens: access, refresh, id token and MSAL's `client_info`. The id token echoes the
/// authorize request's `nonce`, which MSAL checks in the authorization-code flow.
pub fn user_response(
    app: &AppState,
    p: &Principal,
    scope: &str,
    audience: &str,
    origin: &str,
    nonce: Option<&str>,
    now: DateTime<Utc>,
) -> Value {
    let lifetime = app.store.read().knobs.token_lifetime_seconds as i64;
    let tid = p.tenant_id.to_string();
    let base = Claims {
        aud: p.app_id.to_string(),
        iss: format!("{origin}/{tid}/v2.0"),
        iat: now.timestamp(),
        nbf: now.timestamp(),
        exp: now.timestamp() + lifetime,
        tid: tid.clone(),
        oid: p.object_id.to_string(),
        sub: p.object_id.to_string(),
        appid: p.app_id.to_string(),
        idtyp: "user".into(),
        upn: Some(p.display.clone()),
        preferred_username: Some(p.display.clone()),
        nonce: nonce.map(str::to_string),
        ver: "2.0".into(),
        token_use: Some("id".into()),
        scp: None,
    };
    let refresh = Claims {
        exp: (now + Duration::days(REFRESH_LIFETIME_DAYS)).timestamp(),
        token_use: Some("refresh".into()),
        scp: Some(scope.to_string()),
        // a refresh token is unique even when minted twice in one second
        nonce: Some(secrets::random_token(12)),
        ..base.clone()
    };
    let client_info = json!({ "uid": p.object_id, "utid": tid }).to_string();
    json!({
        "token_type": "Bearer",
        "scope": scope,
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": access_token(app, p, audience, now, lifetime),
        "refresh_token": app.signer.sign(&refresh),
        "id_token": app.signer.sign(&base),
        "client_info": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(client_info),
    })
}

//! The device-code flow: `devicecode` hands out a code, a person (or a test, as a browser would)
//! signs in on the HTML page at the verification URI, and the next token poll redeems it.

use crate::error::EmulatorError;
use crate::model::{names, secrets};
use crate::persistence::lock;
use crate::wire::body;
use crate::wire::envelope::{ApiError, ApiResult, Flavor};
use crate::wire::{origin, App};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Html;
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Mutex;
use uuid::Uuid;

/// Device codes live 15 minutes, as Entra ID's do.
const LIFETIME_SECONDS: i64 = 900;
/// Codes waiting for a sign-in, per authority (a tenant, or `organizations`/`common`/`consumers`).
pub const MAX_PENDING_PER_AUTHORITY: usize = 1000;
/// The longest `scope` kept with a code.
pub const MAX_SCOPE_LENGTH: usize = 2048;
/// Seconds between polls we ask for; Entra ID says 5, one keeps tests quick.
const POLL_INTERVAL: u64 = 1;

#[derive(Debug, Clone)]
pub struct DeviceGrant {
    pub user_code: String,
    pub client_id: Uuid,
    pub scope: String,
    pub tenant: Option<Uuid>,
    pub expires: DateTime<Utc>,
    pub approved_user: Option<Uuid>,
    /// Which authority's quota the code counts against.
    pub authority: String,
}

/// Pending device codes, keyed by the SHA-256 of the device code; bounded per authority and
/// pruned of expired codes whenever one is added.
#[derive(Default)]
pub struct DeviceCodes {
    grants: Mutex<HashMap<String, DeviceGrant>>,
}

impl DeviceCodes {
    fn issue(&self, key: String, grant: DeviceGrant, now: DateTime<Utc>) -> crate::Result<()> {
        let mut grants = lock(&self.grants);
        grants.retain(|_, g| g.expires > now);
        let pending = grants.values().filter(|g| g.authority == grant.authority).count();
        if pending >= MAX_PENDING_PER_AUTHORITY {
            return Err(EmulatorError::AadTooManyDeviceCodes(MAX_PENDING_PER_AUTHORITY));
        }
        grants.insert(key, grant);
        Ok(())
    }

    /// Called by the token endpoint: pending until someone signs in on the page.
    pub fn redeem(&self, device_code: &str, now: DateTime<Utc>) -> crate::Result<Approved> {
        let key = secrets::sha256_hex(device_code);
        let mut grants = lock(&self.grants);
        let grant = grants.get(&key).ok_or(EmulatorError::AadDeviceCodeExpired)?;
        if grant.expires <= now {
            grants.remove(&key);
            return Err(EmulatorError::AadDeviceCodeExpired);
        }
        let user_id = grant.approved_user.ok_or(EmulatorError::AadAuthorizationPending)?;
        let grant = grants.remove(&key).ok_or(EmulatorError::AadDeviceCodeExpired)?;
        Ok(Approved { user_id, client_id: grant.client_id, scope: grant.scope })
    }

    /// Marks the live, unused code `user_code` as approved by `user` of `tenant`.
    fn approve(&self, user_code: &str, user: Uuid, tenant: Uuid, upn: &str, now: DateTime<Utc>) -> crate::Result<()> {
        let mut grants = lock(&self.grants);
        let grant = grants
            .values_mut()
            .find(|g| g.user_code == user_code && g.expires > now && g.approved_user.is_none())
            .ok_or(EmulatorError::AadDeviceCodeExpired)?;
        if let Some(t) = grant.tenant.filter(|t| *t != tenant) {
            return Err(EmulatorError::AadUserNotInTenant { upn: upn.to_string(), tenant: t.to_string() });
        }
        grant.approved_user = Some(user);
        Ok(())
    }

    pub fn clear(&self) {
        lock(&self.grants).clear();
    }
}

/// An approved grant, ready to become tokens.
pub struct Approved {
    pub user_id: Uuid,
    pub client_id: Uuid,
    pub scope: String,
}

fn new_user_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..9).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

pub async fn device_code(
    State(app): State<App>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    body: Body,
) -> ApiResult<Json<Value>> {
    let form = body::form(&body::read(body, Flavor::Aad).await?);
    let now = app.clock.now();
    let tenant_id = if super::discovery::is_multi_tenant_authority(&tenant) {
        None
    } else {
        Some(app.store.read().resolve_tenant(&tenant).map_err(ApiError::aad)?.id)
    };
    let client_id = form
        .get("client_id")
        .and_then(|c| Uuid::parse_str(c).ok())
        .ok_or_else(|| ApiError::aad(EmulatorError::AadMissingParameter("client_id".into())))?;
    let scope = form.get("scope").cloned().unwrap_or_default();
    if scope.len() > MAX_SCOPE_LENGTH {
        return Err(ApiError::aad(EmulatorError::AadInvalidScope(names::printable(&scope))));
    }
    let device_code = secrets::random_token(48);
    let user_code = new_user_code();
    let verification_uri = format!("{}/devicelogin", origin(&headers, &uri));
    let grant = DeviceGrant {
        user_code: user_code.clone(),
        client_id,
        scope,
        tenant: tenant_id,
        expires: now + Duration::seconds(LIFETIME_SECONDS),
        approved_user: None,
        authority: tenant_id.map(|t| t.to_string()).unwrap_or_else(|| tenant.to_ascii_lowercase()),
    };
    app.device_codes.issue(secrets::sha256_hex(&device_code), grant, now).map_err(ApiError::aad)?;
    Ok(Json(json!({
        "user_code": user_code,
        "device_code": device_code,
        "verification_uri": verification_uri,
        "expires_in": LIFETIME_SECONDS,
        "interval": POLL_INTERVAL,
        "message": format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."),
    })))
}

fn page(message: &str, is_error: bool) -> String {
    let note = if message.is_empty() {
        String::new()
    } else {
        format!("<p class=\"{}\" role=\"status\">{}</p>", if is_error { "error" } else { "ok" }, html_escape(message))
    };
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title>
<style>body{{font-family:sans-serif;max-width:28em;margin:4em auto}}label{{display:block;margin-top:1em}}input{{width:100%;padding:.4em}}.error{{color:#a00}}.ok{{color:#060}}</style></head>
<body><h1>Enter code</h1>
<p>Enter the code displayed on your device, then sign in with your work account.</p>
{note}
<form method="post" action="/devicelogin">
<label for="code">Code</label><input id="code" name="code" autocomplete="off" required>
<label for="username">Email or phone</label><input id="username" name="username" type="email" required>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<p><button type="submit">Sign in</button></p>
</form></body></html>"#
    )
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub async fn sign_in_page() -> Html<String> {
    Html(page("", false))
}

pub async fn sign_in_submit(State(app): State<App>, body: Body) -> (StatusCode, Html<String>) {
    let form = match body::read(body, Flavor::Aad).await {
        Ok(b) => body::form(&b),
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, Html(page("The form is too large.", true))),
    };
    let get = |k: &str| form.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let code = get("code").to_ascii_uppercase().replace('-', "");
    let now = app.clock.now();
    let world = app.store.read();
    let password = form.get("password").cloned().unwrap_or_default();
    let user = match app.passwords.sign_in(&world, &get("username"), &password, now).await {
        Ok(u) => u,
        Err(e) => return (StatusCode::BAD_REQUEST, Html(page(&e.to_string(), true))),
    };
    match app.device_codes.approve(&code, user.id, user.tenant_id, &user.user_principal_name, now) {
        Ok(()) => {}
        Err(EmulatorError::AadDeviceCodeExpired) => {
            return (StatusCode::BAD_REQUEST, Html(page("That code didn't work. Check the code and try again.", true)))
        }
        Err(e) => return (StatusCode::BAD_REQUEST, Html(page(&e.to_string(), true))),
    }
    (
        StatusCode::OK,
        Html(page(
            &format!(
                "{} is signed in. You may now close this window and return to your device.",
                user.user_principal_name
            ),
            false,
        )),
    )
}

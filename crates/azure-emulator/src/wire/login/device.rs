//! The device-code flow: `devicecode` hands out a code, a person (or a test, as a browser would)
//! signs in on the HTML page at the verification URI, and the next token poll redeems it.

use super::super::body;
use super::super::envelope::{ApiError, ApiResult, Flavor};
use super::super::{origin, App, AppState};
use crate::error::EmulatorError;
use crate::model::secrets;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Html;
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde_json::{json, Value};
use uuid::Uuid;

const LIFETIME_SECONDS: i64 = 900;
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
    let device_code = secrets::random_token(48);
    let user_code = new_user_code();
    let verification_uri = format!("{}/devicelogin", origin(&headers, &uri));
    app.device_codes.lock().expect("device codes").insert(
        secrets::sha256_hex(&device_code),
        DeviceGrant {
            user_code: user_code.clone(),
            client_id,
            scope,
            tenant: tenant_id,
            expires: now + Duration::seconds(LIFETIME_SECONDS),
            approved_user: None,
        },
    );
    Ok(Json(json!({
        "user_code": user_code,
        "device_code": device_code,
        "verification_uri": verification_uri,
        "expires_in": LIFETIME_SECONDS,
        "interval": POLL_INTERVAL,
        "message": format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."),
    })))
}

/// Called by the token endpoint: pending until someone signs in on the page.
pub fn redeem(app: &AppState, device_code: &str, now: DateTime<Utc>) -> crate::Result<Approved> {
    let key = secrets::sha256_hex(device_code);
    let mut codes = app.device_codes.lock().expect("device codes");
    let grant = codes.get(&key).ok_or(EmulatorError::AadDeviceCodeExpired)?;
    if grant.expires <= now {
        codes.remove(&key);
        return Err(EmulatorError::AadDeviceCodeExpired);
    }
    let user_id = grant.approved_user.ok_or(EmulatorError::AadAuthorizationPending)?;
    let grant = codes.remove(&key).expect("present");
    Ok(Approved { user_id, client_id: grant.client_id, scope: grant.scope })
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
    let user = match world.authenticate_user(&get("username"), &form.get("password").cloned().unwrap_or_default()) {
        Ok(u) => u.clone(),
        Err(e) => return (StatusCode::BAD_REQUEST, Html(page(&e.to_string(), true))),
    };
    let mut codes = app.device_codes.lock().expect("device codes");
    let Some(grant) = codes.values_mut().find(|g| g.user_code == code && g.expires > now && g.approved_user.is_none())
    else {
        return (StatusCode::BAD_REQUEST, Html(page("That code didn't work. Check the code and try again.", true)));
    };
    if grant.tenant.is_some_and(|t| t != user.tenant_id) {
        let e = EmulatorError::AadUserNotInTenant {
            upn: user.user_principal_name.clone(),
            tenant: grant.tenant.unwrap_or_default().to_string(),
        };
        return (StatusCode::BAD_REQUEST, Html(page(&e.to_string(), true)));
    }
    grant.approved_user = Some(user.id);
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

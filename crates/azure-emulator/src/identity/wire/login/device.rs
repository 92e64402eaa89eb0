//! The device-code flow: `devicecode` hands out a code, a person (or a test, as a browser would)
//! signs in on the HTML page at the verification URI, and the next token poll redeems it.

use super::sign_in::{self, Note};
use crate::error::EmulatorError;
use crate::identity::directory;
use crate::identity::objects::User;
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

    /// Marks the live, unused code `user_code` as approved by `user`.
    fn approve(&self, user_code: &str, user: &User, now: DateTime<Utc>) -> crate::Result<()> {
        let mut grants = lock(&self.grants);
        let grant = grants
            .values_mut()
            .find(|g| g.user_code == user_code && g.expires > now && g.approved_user.is_none())
            .ok_or(EmulatorError::AadDeviceCodeExpired)?;
        directory::user_signs_in_at(user, grant.tenant)?;
        grant.approved_user = Some(user.id);
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
        authority: super::discovery::authority_key(&tenant, tenant_id),
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

const PAGE: sign_in::Page = sign_in::Page {
    heading: "Enter code",
    intro: "Enter the code displayed on your device, then sign in with your work account.",
    action: "/devicelogin",
    ask_code: true,
};

pub async fn sign_in_page() -> Html<String> {
    Html(sign_in::render(&PAGE, Note::None))
}

pub async fn sign_in_submit(State(app): State<App>, body: Body) -> (StatusCode, Html<String>) {
    let answer = |status: StatusCode, note: Note| (status, Html(sign_in::render(&PAGE, note)));
    let form = match body::read(body, Flavor::Aad).await {
        Ok(b) => body::form(&b),
        Err(_) => return answer(StatusCode::PAYLOAD_TOO_LARGE, Note::Error("The form is too large.")),
    };
    let code = form.get("code").map(|v| v.trim()).unwrap_or_default().to_ascii_uppercase().replace('-', "");
    let now = app.clock.now();
    let approved = sign_in::credentials(&app, &form, now)
        .await
        .and_then(|user| app.device_codes.approve(&code, &user, now).map(|()| user));
    match approved {
        Ok(user) => {
            let done = format!(
                "{} is signed in. You may now close this window and return to your device.",
                user.user_principal_name
            );
            answer(StatusCode::OK, Note::Ok(&done))
        }
        Err(EmulatorError::AadDeviceCodeExpired) => {
            answer(StatusCode::BAD_REQUEST, Note::Error("That code didn't work. Check the code and try again."))
        }
        Err(e) => answer(StatusCode::BAD_REQUEST, Note::Error(&e.to_string())),
    }
}

//! `/{tenant}/oauth2/v2.0/authorize`: the browser half of the authorization-code flow (plain
//! `az login`). GET shows the sign-in page; its form posts back to the same URL, query and all, so
//! nothing is kept before a person signs in. A request whose client or redirect URI is bad gets an
//! error page (it must not be sent anywhere); any other bad request goes back to the client as
//! OAuth says, with `error` and `error_description`.

use super::discovery::{authority_key, is_multi_tenant_authority};
use super::reply::{self, Client, ResponseMode};
use super::sign_in::{self, Note};
use crate::error::{EmulatorError, Result};
use crate::identity::auth_codes::CodeGrant;
use crate::identity::directory;
use crate::identity::pkce::Challenge;
use crate::identity::redirect_uris;
use crate::model::names;
use crate::wire::envelope::Flavor;
use crate::wire::{body, query_map, App, AppState};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use std::collections::HashMap;
use uuid::Uuid;

/// The longest `nonce` kept with a code.
const MAX_NONCE_LENGTH: usize = 1024;

/// A request whose client and redirect URI are good: from here on, errors go back to the client.
struct Trusted {
    client_id: Uuid,
    redirect_uri: String,
    mode: Result<ResponseMode>,
    state: Option<String>,
    tenant: Option<Uuid>,
    authority: String,
}

impl Trusted {
    fn client(&self) -> Client<'_> {
        Client {
            redirect_uri: &self.redirect_uri,
            mode: *self.mode.as_ref().unwrap_or(&ResponseMode::Query),
            state: self.state.as_deref(),
        }
    }
}

/// What the code will be issued for, once someone signs in.
struct Asked {
    scope: String,
    challenge: Option<Challenge>,
    nonce: Option<String>,
}

pub async fn page(State(app): State<App>, Path(tenant): Path<String>, uri: Uri) -> Response {
    let query = query_map(&uri);
    let trusted = match trust(&app, &tenant, &query) {
        Ok(t) => t,
        Err(e) => return bad_request(&e),
    };
    if let Err(e) = asked(&app, &query, &trusted) {
        return reply::error(&trusted.client(), &e);
    }
    Html(sign_in::render(&sign_in_page(&uri), Note::None)).into_response()
}

pub async fn submit(State(app): State<App>, Path(tenant): Path<String>, uri: Uri, body: Body) -> Response {
    let query = query_map(&uri);
    let trusted = match trust(&app, &tenant, &query) {
        Ok(t) => t,
        Err(e) => return bad_request(&e),
    };
    let asked = match asked(&app, &query, &trusted) {
        Ok(a) => a,
        Err(e) => return reply::error(&trusted.client(), &e),
    };
    let page = sign_in_page(&uri);
    let retry = |status: StatusCode, message: &str| (status, Html(sign_in::render(&page, Note::Error(message))));
    let form = match body::read(body, Flavor::Aad).await {
        Ok(b) => body::form(&b),
        Err(_) => return retry(StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.").into_response(),
    };
    let now = app.clock.now();
    // A wrong password or a user of another tenant may try again on the same page.
    let user = match sign_in::credentials(&app, &form, now).await {
        Ok(u) => u,
        Err(e) => return retry(StatusCode::BAD_REQUEST, &e.to_string()).into_response(),
    };
    if let Err(e) = directory::user_signs_in_at(&user, trusted.tenant) {
        return retry(StatusCode::BAD_REQUEST, &e.to_string()).into_response();
    }
    let grant = CodeGrant {
        client_id: trusted.client_id,
        redirect_uri: trusted.redirect_uri.clone(),
        challenge: asked.challenge,
        scope: asked.scope,
        nonce: asked.nonce,
        user_id: user.id,
        tenant_id: user.tenant_id,
        authority: trusted.authority.clone(),
    };
    match app.auth_codes.issue(grant, now) {
        Ok(code) => reply::code(&trusted.client(), &code),
        Err(e) => reply::error(&trusted.client(), &e),
    }
}

/// The tenant, client and redirect URI: until they are known good, nothing may be sent to the
/// redirect URI.
fn trust(app: &AppState, tenant: &str, query: &HashMap<String, String>) -> Result<Trusted> {
    let world = app.store.read();
    let tenant_id = if is_multi_tenant_authority(tenant) { None } else { Some(world.resolve_tenant(tenant)?.id) };
    let raw_client = query.get("client_id").filter(|c| !c.is_empty());
    let raw_client = raw_client.ok_or_else(|| EmulatorError::AadMissingParameter("client_id".into()))?;
    let client_id = Uuid::parse_str(raw_client).map_err(|_| EmulatorError::AadAppNotFoundInTenant {
        app_id: names::printable(raw_client),
        tenant: names::printable(tenant),
    })?;
    let redirect_uri = query.get("redirect_uri").cloned().unwrap_or_default();
    redirect_uris::check(&world, client_id, &redirect_uri, tenant)?;
    Ok(Trusted {
        client_id,
        redirect_uri,
        mode: ResponseMode::parse(query.get("response_mode").map(String::as_str)),
        state: query.get("state").cloned(),
        tenant: tenant_id,
        authority: authority_key(tenant, tenant_id),
    })
}

/// The rest of the request, each fault of which goes back to the client.
fn asked(app: &AppState, query: &HashMap<String, String>, trusted: &Trusted) -> Result<Asked> {
    let get = |k: &str| query.get(k).map(String::as_str).filter(|v| !v.is_empty());
    if let Err(e) = &trusted.mode {
        return Err(e.clone());
    }
    match get("response_type") {
        Some("code") => {}
        Some(other) => return Err(EmulatorError::AadUnsupportedResponseType(names::printable(other))),
        None => return Err(EmulatorError::AadMissingParameter("response_type".into())),
    }
    let scope = get("scope").ok_or_else(|| EmulatorError::AadMissingParameter("scope".into()))?;
    super::token::audience_of(scope, &app.audiences)?;
    let challenge = Challenge::from_request(get("code_challenge"), get("code_challenge_method"))?;
    let nonce = get("nonce").map(str::to_string);
    if nonce.as_ref().is_some_and(|n| n.len() > MAX_NONCE_LENGTH) {
        return Err(EmulatorError::AadInvalidRequestParameter("nonce".into()));
    }
    Ok(Asked { scope: scope.to_string(), challenge, nonce })
}

fn sign_in_page(uri: &Uri) -> sign_in::Page<'_> {
    sign_in::Page {
        heading: "Sign in",
        intro: "Sign in with your work account to continue.",
        action: uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/"),
        ask_code: false,
    }
}

fn bad_request(e: &EmulatorError) -> Response {
    (StatusCode::BAD_REQUEST, Html(sign_in::error_page(&e.to_string()))).into_response()
}

//! Sending an authorize response (a code, or an error) back to the client's redirect URI, in the
//! `response_mode` it asked for. MSAL's loopback listener takes only `form_post`: a page whose form
//! a browser submits by itself.

use super::sign_in::escape;
use crate::error::{EmulatorError, Result};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMode {
    Query,
    Fragment,
    FormPost,
}

impl ResponseMode {
    /// `query` is the default for `response_type=code`.
    pub fn parse(mode: Option<&str>) -> Result<ResponseMode> {
        match mode {
            None | Some("query") => Ok(ResponseMode::Query),
            Some("fragment") => Ok(ResponseMode::Fragment),
            Some("form_post") => Ok(ResponseMode::FormPost),
            Some(other) => Err(EmulatorError::AadUnsupportedResponseMode(crate::model::names::printable(other))),
        }
    }
}

/// Where the response goes and what it must carry back.
pub struct Client<'a> {
    pub redirect_uri: &'a str,
    pub mode: ResponseMode,
    pub state: Option<&'a str>,
}

/// `code` (and `state`) to the client.
pub fn code(client: &Client, code: &str) -> Response {
    send(client, &[("code", code)])
}

/// An OAuth error to the client: `error`, `error_description` (and `state`).
pub fn error(client: &Client, e: &EmulatorError) -> Response {
    send(client, &[("error", e.code()), ("error_description", &e.to_string())])
}

fn send(client: &Client, params: &[(&str, &str)]) -> Response {
    let mut all: Vec<(&str, &str)> = params.to_vec();
    if let Some(state) = client.state {
        all.push(("state", state));
    }
    let mut response = match client.mode {
        ResponseMode::FormPost => Html(form_post(client.redirect_uri, &all)).into_response(),
        ResponseMode::Query | ResponseMode::Fragment => redirect(client, &all),
    };
    // A code must not be cached, nor leak to another site through the Referer header.
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

fn redirect(client: &Client, params: &[(&str, &str)]) -> Response {
    let encoded = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
    let base = client.redirect_uri;
    let location = match client.mode {
        ResponseMode::Fragment => format!("{base}#{encoded}"),
        _ if base.contains('?') => format!("{base}&{encoded}"),
        _ => format!("{base}?{encoded}"),
    };
    match HeaderValue::from_str(&location) {
        Ok(v) => (StatusCode::FOUND, [(header::LOCATION, v)]).into_response(),
        // The redirect URI was parsed as a URL before, so this is not expected; never panic on it.
        Err(_) => (StatusCode::BAD_REQUEST, Html(super::sign_in::error_page("The redirect URI is not valid.")))
            .into_response(),
    }
}

/// As Entra answers `form_post`: a hidden form, submitted by script (or by hand without one).
fn form_post(action: &str, params: &[(&str, &str)]) -> String {
    let inputs: String = params
        .iter()
        .map(|(k, v)| format!(r#"<input type="hidden" name="{}" value="{}" />"#, escape(k), escape(v)))
        .collect();
    format!(
        r#"<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="{}">{inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form><script language="javascript">document.forms[0].submit();</script></body></html>"#,
        escape(action)
    )
}
